-- Refunds waiting for an operator, oldest change first: read by the backlog gauges every few seconds on every
-- replica (and by whoever lists them), so counting them must not scan the refunds table. Only MANUAL_REVIEW rows
-- are in it, and a refund enters or leaves it with a change that rewrites the row anyway.
create index refunds_manual_review on refunds (updated_at) where state = 'MANUAL_REVIEW';
