-- Refunds made at the PSP outside Refract (its dashboard, its own API), adopted from a verified webhook so that
-- the payment's ledger, the merchant and the customer's wallet follow them.

-- false for every refund a merchant asked Refract for; true for one Refract learned of from the PSP. An external
-- refund's merchant_refund_id is "external:<connector>:<PSP refund id>", a prefix the API refuses to merchants.
alter table refunds add column external boolean not null default false;

-- A PSP refund id is adopted at most once per merchant and connector, even by concurrent deliveries of two events
-- about it (refund.created and charge.refunded, say): the second insert meets this index and applies instead.
create unique index refunds_external_once on refunds (merchant_id, connector, connector_refund_id) where external;
