-- One payment's refunds, newest first: the index carries the listing's order too, so listing a payment's refunds
-- reads only that payment's rows and sorts nothing, and it is cheaper by any estimate than walking the merchant's
-- newest-first index and filtering (which a plan made on an empty table would otherwise keep).
drop index refunds_by_payment;
create index refunds_by_payment on refunds (merchant_id, connector_transaction_id, created_at desc, id desc);

-- Retention deletes what was delivered or applied before a cutoff, oldest first, in small batches. These partial
-- indexes hold only such rows and are written when a row is delivered or applied (an update that already changes
-- indexed columns), never by the request path's inserts, so a pruning run reads only what it deletes.
create index outbox_delivered on outbox (delivered_at) where delivered_at is not null;
create index webhook_events_applied on webhook_events (applied_at) where applied_at is not null;
