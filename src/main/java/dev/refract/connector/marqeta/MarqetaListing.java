package dev.refract.connector.marqeta;

import com.fasterxml.jackson.databind.JsonNode;
import dev.refract.outbound.PspAnswer;
import dev.refract.outbound.WireJson;
import dev.refract.refund.ListsRefunds;
import dev.refract.refund.PspRecordsUnavailable;
import dev.refract.refund.PspRefund;
import dev.refract.refund.WebhookEvent;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A page of a credit account's refund list ({@code GET /credit/accounts/{account_token}/refunds}, seed 004):
 * {@code {count, start_index, end_index, is_more, data: [refund…]}}, paged by index. Pure: no I/O.
 */
final class MarqetaListing {

    /** Marqeta's largest page. */
    static final int COUNT = 100;
    /** Oldest change first: a refund that changes while the list is read moves to its end, where it is read again. */
    static final String SORT = "lastModifiedTime";

    private MarqetaListing() {}

    /** The list's date filter (whole days, inclusive) around the window; the window itself is applied to each refund. */
    static String startDate(Instant from) {
        return LocalDate.ofInstant(from, ZoneOffset.UTC).toString();
    }

    static String endDate(Instant to) {
        return LocalDate.ofInstant(to, ZoneOffset.UTC).toString();
    }

    /**
     * The page's refunds created in {@code [from, to)} as the account's refunds, and the index the next page starts at
     * (null after the last). A Marqeta refund names no reference of the merchant's, but one Refract made has Refract's
     * key as its token; one that is not Refract's may be adopted, as made outside Refract.
     */
    static ListsRefunds.Page read(PspAnswer answer, String accountToken, Instant from, Instant to) {
        if (!answer.ok()) {
            MarqetaModels.ErrorBody e = WireJson.read(answer.body(), MarqetaModels.ErrorBody.class);
            throw new PspRecordsUnavailable(
                    "Marqeta refused to list the refunds of credit account " + accountToken + ": HTTP "
                            + answer.status() + (e != null && e.errorCode() != null ? " (" + e.errorCode() + ")" : ""));
        }
        JsonNode page = WireJson.tree(answer.body());
        if (!page.path("data").isArray() && !page.has("is_more")) {
            throw new PspRecordsUnavailable("Marqeta's answer to a refund listing is not a page of refunds");
        }
        List<PspRefund> refunds = new ArrayList<>();
        for (JsonNode item : page.path("data")) {
            MarqetaModels.Refund r = WireJson.MAPPER.convertValue(item, MarqetaModels.Refund.class);
            Instant created = created(WireJson.text(item, "created_time"));
            if (r.token() == null || created != null && (created.isBefore(from) || !created.isBefore(to))) {
                continue;
            }
            var record = MarqetaMapping.refund(r, accountToken);
            refunds.add(new PspRefund(
                    r.token(),
                    null,
                    r.token(),
                    record,
                    new WebhookEvent.External(record.reported(), Map.of()),
                    created));
        }
        String next = null;
        if (page.path("is_more").asBoolean(false) && page.path("end_index").canConvertToInt()) {
            next = Integer.toString(page.path("end_index").asInt() + 1);
        }
        return new ListsRefunds.Page(refunds, next);
    }

    private static Instant created(String text) {
        if (text == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
