package dev.refract.connector;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import dev.refract.connector.AnswerFields.Field;
import dev.refract.connector.AnswerFields.Said;
import dev.refract.connector.AnswerFields.Status;
import dev.refract.connector.AnswerFields.Via;
import dev.refract.connector.AnswerFields.Wrong;
import dev.refract.refund.Refund;
import dev.refract.support.Api;
import dev.refract.support.Db;
import dev.refract.support.PspStandIn;
import java.lang.reflect.Constructor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every field a PSP's answer can carry, against each wrong value, on every path an answer arrives by: the create's
 * answer, the status read, the webhook. An answer that contradicts the refund (another amount, currency, payment,
 * refund id, merchant reference or PSP account) is not the PSP's word about this refund, whatever its status says:
 * the refund goes to MANUAL_REVIEW with {@code connector_mismatch} naming the field, the amount stays reserved (or is
 * reserved again, for a refund that had succeeded), and no money moves: no {@code refund.succeeded} or
 * {@code refund.failed} notification, no Credyt adjustment or reversal queued.
 *
 * <p>Each merchant here has a webhook URL and Credyt on, and each refund names a Credyt customer, so that a
 * notification or wallet move that should not happen would be queued; the agreeing answers of {@link
 * #anAnswerThatAgreesSettlesTheRefundAndMovesTheMoney} show that it is. A PSP says how it writes each field
 * ({@link #answer}, {@link #deliverWebhook}) and which fields each of its paths carries ({@link #fieldsIn}); a new
 * PSP that extends its connector test from this class gets the whole table.
 */
public abstract class ContradictingAnswersContractTest extends PspAnswersContractTest {

    /** The amount asked, and captured: the whole payment, so that the reservation is easy to see. */
    static final long ASKED = 1_000;

    static final String CUSTOMER = "cust_contradicting_answers";

    /** Which fields this PSP's answers carry on this path; a field an answer never carries cannot contradict. */
    protected abstract Set<Field> fieldsIn(Via via);

    /** The PSP's answer to a create or a status read that says this, in its wire format. */
    protected abstract ResponseDefinitionBuilder answer(Said said);

    /** The PSP's status word for a refund that failed before it succeeded, and for one that failed after. */
    protected abstract String failedWord();

    protected String reversedWord() {
        return failedWord();
    }

    /** The PSP's word for a status. */
    protected String word(Status status) {
        return switch (status) {
            case SUCCEEDED -> succeededWord();
            case PENDING -> pendingWord();
            case FAILED -> failedWord();
            case REVERSED -> reversedWord();
        };
    }

    /** Whether this PSP can answer so on this path (Adyen's create only acknowledges, only two PSPs have webhooks). */
    protected boolean answers(Via via, Status status) {
        return switch (via) {
            case CREATE -> status != Status.REVERSED;
            case READ -> readRequest(newPaymentId(), "x") != null;
            case WEBHOOK -> false;
        };
    }

    /** Delivers, at the merchant's webhook URL for this PSP, a verified webhook that says this. */
    protected void deliverWebhook(Said said) {
        throw new UnsupportedOperationException(connector() + " has no webhooks");
    }

    /** The PSP account the merchant's account is configured with, where the PSP's answers name one. */
    protected String pspAccount() {
        return null;
    }

    /** A fresh refund id of the shape this PSP gives. */
    protected String newConnectorRefundId() {
        return refundId();
    }

    /**
     * Whether Refract chooses the PSP's refund id (Marqeta's refund token is the refund's PSP reference): then an
     * answer under another id contradicts the refund from the first answer on. Otherwise the PSP chooses it, and the
     * id it gave first is the one every later answer must carry.
     */
    protected boolean refractChoosesTheRefundId() {
        return false;
    }

    /**
     * The table for the PSP under test: every path, status and wrong value it can answer with. Only those rows are
     * made (a row for a field the PSP never sends would test nothing), asked of the connector test's own hooks.
     */
    static List<Arguments> contradictions(TestInfo test) {
        ContradictingAnswersContractTest psp = hooksOf(test);
        List<Arguments> cases = new ArrayList<>();
        for (Via via : Via.values()) {
            for (Status status : Status.values()) {
                // a create's answer cannot reverse what had not succeeded
                if ((via == Via.CREATE && status == Status.REVERSED) || !psp.answers(via, status)) {
                    continue;
                }
                for (Wrong wrong : Wrong.values()) {
                    if (psp.carries(via, wrong.field)) {
                        cases.add(Arguments.of(via, status, wrong));
                    }
                }
            }
        }
        return cases;
    }

    /** The agreeing answers: the create's success, and a reversal by each other path the PSP answers by. */
    static List<Via> agreeing(TestInfo test) {
        ContradictingAnswersContractTest psp = hooksOf(test);
        return Arrays.stream(Via.values())
                .filter(via -> via == Via.CREATE || psp.answers(via, Status.REVERSED))
                .toList();
    }

    /** An instance of the connector test, only to ask its hooks (which depend on nothing injected). */
    private static ContradictingAnswersContractTest hooksOf(TestInfo test) {
        try {
            Constructor<?> constructor = test.getTestClass().orElseThrow().getDeclaredConstructor();
            constructor.setAccessible(true);
            return (ContradictingAnswersContractTest) constructor.newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot ask " + test.getTestClass() + " for its answers", e);
        }
    }

    @ParameterizedTest(name = "{0} answered {1} with {2}")
    @MethodSource("contradictions")
    void anAnswerThatContradictsTheRefundIsManualReviewWithTheAmountReservedAndNoMoneyMoved(
            Via via, Status status, Wrong wrong) {
        walletAndNotifications();
        String payment = newPaymentId();
        String id = Api.refundId();
        Said agreeing = agreeing(id, payment, status);
        Said contradicting = contradicting(agreeing, wrong);
        if (via == Via.CREATE) {
            psp().stubFor(createRequest(payment).willReturn(answer(contradicting)));
            createWithWallet(id, payment).then().statusCode(200).body("status", equalTo("MANUAL_REVIEW"));
        } else {
            reach(id, payment, agreeing.withStatus(status == Status.REVERSED ? Status.SUCCEEDED : Status.PENDING));
            if (via == Via.READ) {
                psp().stubFor(readRequest(payment, agreeing.refundId()).willReturn(answer(contradicting)));
                merchant.sync(id).then().statusCode(200);
            } else {
                deliverWebhook(contradicting);
            }
        }
        merchant.get(id)
                .then()
                .statusCode(200)
                .body("status", equalTo("MANUAL_REVIEW"))
                .body("amount.minor_amount", equalTo((int) ASKED))
                .body("error.code", equalTo("connector_mismatch"))
                .body(
                        "error.message",
                        containsString(wrong.field.label + ": the PSP reported " + contradicting.value(wrong.field)));
        // the id it had (the one given first), or on a create the PSP's, kept for the operator, unless the answer's
        // own ids say it is about another refund: then none, never the other refund's
        boolean anotherRefund = wrong.field == Field.REFUND_ID || wrong.field == Field.REFERENCE;
        String expectedId = via != Via.CREATE ? agreeing.refundId() : anotherRefund ? null : contradicting.refundId();
        assertEquals(expectedId, connectorRefundId(id), "the refund's PSP id");
        assertLedger(payment, ASKED, 0);
        Db.assertLedgerConsistent(merchant.id(), payment);
        List<String> owed = outbox(id);
        assertTrue(owed.contains("refund.manual_review"), () -> "the merchant is told: " + owed);
        assertFalse(owed.contains("refund.failed"), () -> "no refund.failed: " + owed);
        assertFalse(owed.contains("credyt.reversal"), () -> "no wallet reversal: " + owed);
        if (status == Status.REVERSED) {
            // it had succeeded (told, and the wallet moved) before the answer that contradicts it
            assertEquals(1, owed.stream().filter("credyt.adjustment"::equals).count(), () -> "one adjustment: " + owed);
        } else {
            assertFalse(owed.contains("refund.succeeded"), () -> "no refund.succeeded: " + owed);
            assertTrue(owed.stream().noneMatch(type -> type.startsWith("credyt.")), () -> "no wallet move: " + owed);
        }
    }

    /**
     * The same answers, agreeing with the refund: they settle it and move the money, so every check the table above
     * makes of a contradicting answer is one that an agreeing answer fails.
     */
    @ParameterizedTest(name = "{0} answered agreeing")
    @MethodSource("agreeing")
    void anAnswerThatAgreesSettlesTheRefundAndMovesTheMoney(Via via) {
        walletAndNotifications();
        Status status = via == Via.CREATE ? Status.SUCCEEDED : Status.REVERSED;
        String payment = newPaymentId();
        String id = Api.refundId();
        Said agreeing = agreeing(id, payment, status);
        reach(id, payment, agreeing.withStatus(Status.SUCCEEDED));
        assertLedger(payment, 0, ASKED);
        assertEquals(List.of("credyt.adjustment", "refund.succeeded"), settledOnes(outbox(id)));
        if (via != Via.CREATE) {
            if (via == Via.READ) {
                psp().stubFor(readRequest(payment, agreeing.refundId()).willReturn(answer(agreeing)));
                merchant.sync(id).then().statusCode(200);
            } else {
                deliverWebhook(agreeing);
            }
            merchant.get(id).then().body("status", equalTo("FAILED"));
            assertLedger(payment, 0, 0);
            assertEquals(
                    List.of("credyt.adjustment", "credyt.reversal", "refund.failed", "refund.succeeded"),
                    settledOnes(outbox(id)));
        }
        Db.assertLedgerConsistent(merchant.id(), payment);
    }

    private boolean carries(Via via, Field field) {
        if (field == Field.REFUND_ID && via == Via.CREATE && !refractChoosesTheRefundId()) {
            return false; // the first id the PSP gives is the refund's id
        }
        if (field == Field.ACCOUNT && pspAccount() == null) {
            return false;
        }
        return fieldsIn(via).contains(field);
    }

    /** An answer that says exactly what the refund is. */
    private Said agreeing(String merchantRefundId, String payment, Status status) {
        String refundId = refractChoosesTheRefundId()
                ? Refund.pspReferenceFor(merchant.id(), merchantRefundId)
                : newConnectorRefundId();
        return new Said(status, ASKED, currency(), payment, refundId, merchantRefundId, pspAccount());
    }

    private Said contradicting(Said s, Wrong wrong) {
        return s.with(
                wrong.field,
                switch (wrong) {
                    case AMOUNT_LESS -> Long.toString(s.minor() - 1);
                    case AMOUNT_IN_MAJOR_UNITS -> Long.toString(s.minor() / 100);
                    case CURRENCY_OTHER -> "USD".equals(s.currency()) ? "EUR" : "USD";
                    case PAYMENT_OTHER -> newPaymentId();
                    case PAYMENT_NEAR_MISS -> AnswerFields.nearMiss(s.paymentId());
                    case REFUND_ID_OTHER ->
                        refractChoosesTheRefundId()
                                ? Refund.pspReferenceFor(merchant.id(), Api.refundId())
                                : newConnectorRefundId();
                    case REFERENCE_OTHER -> Api.refundId();
                    case ACCOUNT_OTHER -> s.account() + "POS";
                });
    }

    /**
     * The refund created and answered as {@code said} says (SUCCEEDED or PENDING); a PSP whose create only
     * acknowledges is told success by its webhook.
     */
    private void reach(String id, String payment, Said said) {
        boolean byCreate = answers(Via.CREATE, said.status());
        psp().stubFor(createRequest(payment).willReturn(answer(byCreate ? said : said.withStatus(Status.PENDING))));
        createWithWallet(id, payment).then().statusCode(200);
        if (!byCreate) {
            deliverWebhook(said);
        }
        merchant.get(id).then().body("status", equalTo(said.status().name()));
    }

    private io.restassured.response.Response createWithWallet(String id, String payment) {
        String extra = "\"connector\":\"" + connector() + "\",\"payment_amount\":{\"minor_amount\":" + ASKED
                + ",\"currency\":\"" + currency() + "\"},\"metadata\":{\"credyt_customer_id\":\"" + CUSTOMER + "\"}"
                + (extraCreateFields() == null ? "" : "," + extraCreateFields());
        return merchant.create(Api.body(id, payment, ASKED, currency(), extra));
    }

    /** The merchant has a webhook URL and Credyt on: every notification and wallet move owed is queued. */
    private void walletAndNotifications() {
        merchant.useConnector(
                "credyt",
                "{\"credentials\":{\"api_key\":\"credyt_contract\"},\"settings\":{\"account_name\":\"default\"}}");
        Api.admin()
                .body("{\"webhook_url\":\"http://localhost:"
                        + PspStandIn.server().port() + "/merchant/contract\"}")
                .put("/admin/v1/merchants/" + merchant.id())
                .then()
                .statusCode(200);
    }

    /** What the refund's changes queued, in order: notifications and wallet moves. */
    private List<String> outbox(String merchantRefundId) {
        return Db.query(
                        "select o.event_type from outbox o join refunds r on r.id = o.refund_id "
                                + "where r.merchant_id = ? and r.merchant_refund_id = ? order by o.id",
                        merchant.id(),
                        merchantRefundId)
                .stream()
                .map(row -> (String) row.get("event_type"))
                .toList();
    }

    /** The notifications and wallet moves that say money moved, sorted: one change queues both at once. */
    private static List<String> settledOnes(List<String> owed) {
        Set<String> money = Set.of("refund.succeeded", "refund.failed", "credyt.adjustment", "credyt.reversal");
        return owed.stream().filter(money::contains).sorted().toList();
    }

    private String connectorRefundId(String merchantRefundId) {
        return (String) Db.one(
                        "select connector_refund_id from refunds where merchant_id = ? and merchant_refund_id = ?",
                        merchant.id(),
                        merchantRefundId)
                .get("connector_refund_id");
    }

    /**
     * What each case leaves in review is resolved by an operator, as it would be, so that the fleet-wide lists of
     * refunds awaiting one (the console's, the 100 longest waiting) are not filled with this table's; and nothing of
     * these merchants is delivered: their notifications and wallet moves are left out of later outbox runs.
     */
    @AfterEach
    void resolveAndParkWhatWasLeft() {
        for (var row : Db.query(
                "select merchant_refund_id from refunds where merchant_id = ? and state = 'MANUAL_REVIEW'",
                merchant.id())) {
            Api.admin()
                    .body("{\"status\":\"FAILED\",\"reason\":\"the PSP's books checked\"}")
                    .post("/admin/v1/merchants/" + merchant.id() + "/refunds/" + row.get("merchant_refund_id")
                            + "/resolve")
                    .then()
                    .statusCode(200);
        }
        Db.execute(
                "update outbox set delivered_at = now() where merchant_id = ? and delivered_at is null", merchant.id());
    }
}
