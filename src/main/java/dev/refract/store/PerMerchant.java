package dev.refract.store;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Background work done one merchant at a time: a read without locks finds which merchants have work (one row per
 * due item, oldest first, up to the batch), then each merchant's share is claimed by a statement that names that
 * merchant. On a database distributed by merchant_id the read runs on every shard, and each claim, the only
 * statement that locks ({@code FOR UPDATE SKIP LOCKED}), on one shard, which is all a distributed database lets a
 * lock do (docs/scaling.md).
 */
final class PerMerchant {

    private PerMerchant() {}

    /** How many due items each merchant has among the rows read, the merchant of the oldest first. */
    static Map<String, Integer> due(RowSet<Row> rows) {
        Map<String, Integer> due = new LinkedHashMap<>();
        for (Row row : rows) {
            due.merge(row.getString("merchant_id"), 1, Integer::sum);
        }
        return due;
    }

    /** The claims of each merchant, one after the other, their results together. */
    static <T> Uni<List<T>> claim(Map<String, Integer> due, BiFunction<String, Integer, Uni<List<T>>> claim) {
        return Multi.createFrom()
                .iterable(due.entrySet())
                .onItem()
                .transformToUniAndConcatenate(e -> claim.apply(e.getKey(), e.getValue()))
                .collect()
                .in(ArrayList<T>::new, List::addAll)
                .map(list -> (List<T>) list);
    }

    /** The counts each merchant's statement answered, summed. */
    static Uni<Integer> sum(Map<String, Integer> due, BiFunction<String, Integer, Uni<Integer>> each) {
        return Multi.createFrom()
                .iterable(due.entrySet())
                .onItem()
                .transformToUniAndConcatenate(e -> each.apply(e.getKey(), e.getValue()))
                .collect()
                .with(java.util.stream.Collectors.summingInt(Integer::intValue));
    }
}
