package dev.refract.store;

import dev.refract.refund.ErrorCode;
import dev.refract.refund.Money;
import dev.refract.refund.Refund;
import dev.refract.refund.RefundFailure;
import dev.refract.refund.RefundState;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Row;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;

/** Rows of {@code refunds} to {@link Refund} and back. */
final class RowMapping {

    private RowMapping() {}

    static Refund refund(Row row) {
        return new Refund(
                row.getLong("id"),
                row.getString("merchant_id"),
                row.getString("merchant_refund_id"),
                row.getString("connector"),
                row.getString("connector_transaction_id"),
                row.getString("connector_refund_id"),
                RefundState.valueOf(row.getString("state")),
                row.getString("connector_status"),
                Money.of(row.getLong("amount_minor"), row.getString("currency")),
                row.getString("reason"),
                strings(row.getJsonObject("metadata")),
                objects(row.getJsonObject("connector_options")),
                strings(row.getJsonObject("connector_details")),
                failure(row.getJsonObject("error")),
                row.getString("fingerprint"),
                row.getString("psp_reference"),
                row.getInteger("attempts"),
                instant(row.getOffsetDateTime("next_action_at")),
                row.getLong("version"),
                instant(row.getOffsetDateTime("created_at")),
                instant(row.getOffsetDateTime("updated_at")),
                row.getBoolean("external"));
    }

    /** A refund from its row as {@code to_jsonb(refunds.*)} wrote it into the outbox. */
    static Refund fromSnapshot(JsonObject r) {
        return new Refund(
                r.getLong("id"),
                r.getString("merchant_id"),
                r.getString("merchant_refund_id"),
                r.getString("connector"),
                r.getString("connector_transaction_id"),
                r.getString("connector_refund_id"),
                RefundState.valueOf(r.getString("state")),
                r.getString("connector_status"),
                Money.of(r.getLong("amount_minor"), r.getString("currency").trim()),
                r.getString("reason"),
                strings(r.getJsonObject("metadata")),
                objects(r.getJsonObject("connector_options")),
                strings(r.getJsonObject("connector_details")),
                failure(r.getJsonObject("error")),
                r.getString("fingerprint"),
                r.getString("psp_reference"),
                r.getInteger("attempts"),
                snapshotTime(r.getString("next_action_at")),
                r.getLong("version"),
                snapshotTime(r.getString("created_at")),
                snapshotTime(r.getString("updated_at")),
                Boolean.TRUE.equals(r.getBoolean("external")));
    }

    private static Instant snapshotTime(String text) {
        return text == null ? null : OffsetDateTime.parse(text).toInstant();
    }

    static JsonObject json(Map<String, ?> map) {
        return new JsonObject(new LinkedHashMap<>(map));
    }

    static JsonObject json(RefundFailure failure) {
        if (failure == null) {
            return null;
        }
        JsonObject json = new JsonObject()
                .put("type", failure.type())
                .put("code", failure.code().wire())
                .put("message", failure.message());
        json.put("connector_code", failure.connectorCode());
        json.put("connector_message", failure.connectorMessage());
        return json;
    }

    static OffsetDateTime time(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    static Instant instant(OffsetDateTime time) {
        return time == null ? null : time.toInstant();
    }

    private static RefundFailure failure(JsonObject json) {
        if (json == null) {
            return null;
        }
        return new RefundFailure(
                json.getString("type"),
                ErrorCode.of(json.getString("code")),
                json.getString("message"),
                json.getString("connector_code"),
                json.getString("connector_message"));
    }

    private static Map<String, String> strings(JsonObject json) {
        Map<String, String> map = new LinkedHashMap<>();
        if (json != null) {
            json.forEach(e -> map.put(e.getKey(), String.valueOf(e.getValue())));
        }
        return map;
    }

    private static Map<String, Object> objects(JsonObject json) {
        return json == null ? Map.of() : new LinkedHashMap<>(json.getMap());
    }
}
