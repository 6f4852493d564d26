package dev.refract.console;

import dev.refract.store.ReconciliationReads;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Reconciliation's exceptions for the Needs attention page: what recent runs found mismatched or missing at the PSP,
 * the newest finding of each, over the page's window for recent things ({@code refract.console.external-window}).
 * The page's template asks for them ({@code inject:reconciliationAttention}), so the page needs no code of its own.
 */
@ApplicationScoped
@Named("reconciliationAttention")
public class ReconciliationAttention {

    private static final int LIMIT = 100;

    private final ReconciliationReads reads;
    private final ConsoleSettings settings;

    ReconciliationAttention(ReconciliationReads reads, ConsoleSettings settings) {
        this.reads = reads;
        this.settings = settings;
    }

    public CompletionStage<List<ReconciliationViews.AttentionRow>> exceptions() {
        Instant now = Instant.now();
        return reads.attention(now.minus(settings.externalWindow()), LIMIT)
                .map(found -> found.stream()
                        .map(a -> new ReconciliationViews.AttentionRow(
                                a.item().kind().wire(),
                                a.merchantId(),
                                a.item().merchantRefundId(),
                                a.item().refundId() != null && a.item().merchantRefundId() != null
                                        ? ReconciliationPage.refundHref(
                                                a.merchantId(), a.item().merchantRefundId())
                                        : null,
                                a.connector(),
                                a.runId(),
                                ReconciliationPage.runHref(a.runId()),
                                Times.age(a.foundAt(), now),
                                a.item().detail()))
                        .toList())
                .subscribeAsCompletionStage();
    }
}
