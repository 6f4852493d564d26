"""Every method of the client against the packaged service on its sandbox PSP."""

import asyncio
import queue
import re
import time
import unittest

import refract
from tests.support import Receiver, client, new_merchant, request, require_service, set_webhook, unique


class ClientTest(unittest.IsolatedAsyncioTestCase):
    @classmethod
    def setUpClass(cls):
        require_service()
        cls.merchant_id, cls.api_key = new_merchant()

    def setUp(self):
        self.client = client(self.api_key)

    async def test_creates_a_refund_and_answers_the_same_one_on_replay(self):
        refund_id = unique("rf_py")
        first = await self.client.refund(request(refund_id, unique("sbx_10000_USD"), 2500))
        self.assertFalse(first.idempotent_replayed)
        self.assertEqual(200, first.http_status)
        self.assertTrue(first.request_id)
        self.assertEqual(refund_id, first["merchant_refund_id"])
        self.assertEqual("SUCCEEDED", first["status"])
        self.assertEqual({"minor_amount": 2500, "currency": "USD"}, first["amount"])
        self.assertEqual("sandbox", first["connector"])
        self.assertEqual(200, first["status_code"])

        again = await self.client.refund(request(refund_id, first["connector_transaction_id"], 2500))
        self.assertTrue(again.idempotent_replayed, "Idempotent-Replayed: true")
        self.assertEqual(first["connector_refund_id"], again["connector_refund_id"])
        self.assertEqual(first["created_at"], again["created_at"])

        read = await self.client.get(refund_id)
        self.assertEqual(first["connector_refund_id"], read["connector_refund_id"])
        self.assertEqual("SUCCEEDED", read["status"])

    async def test_the_same_id_with_other_parameters_is_a_conflict(self):
        refund_id, payment = unique("rf_py"), unique("sbx_10000_USD")
        await self.client.refund(request(refund_id, payment, 1000))
        with self.assertRaises(refract.IdempotencyConflictError) as caught:
            await self.client.refund(request(refund_id, payment, 1500))
        e = caught.exception
        self.assertEqual(409, e.http_status)
        self.assertEqual("idempotency_conflict", e.code)
        self.assertTrue(e.request_id)
        self.assertEqual(1, e.attempts, "a 409 is never retried")

    async def test_more_than_refundable_is_a_422_naming_the_amount(self):
        with self.assertRaises(refract.AmountExceedsRefundableError) as caught:
            await self.client.refund(request(unique("rf_py"), unique("sbx_10000_USD"), 10001))
        e = caught.exception
        self.assertIsInstance(e, refract.RefractError)
        self.assertEqual(422, e.http_status)
        self.assertEqual("amount_exceeds_refundable", e.code)
        self.assertEqual("amount", e.param)
        self.assertTrue(e.request_id)
        self.assertIn("amount_exceeds_refundable", str(e))

    async def test_a_bad_field_is_an_invalid_request_naming_it(self):
        bad = request(unique("rf_py"), unique("sbx_10000_USD"), 100)
        bad["amount"]["currency"] = "usd"
        with self.assertRaises(refract.InvalidRequestError) as caught:
            await self.client.refund(bad)
        self.assertEqual(400, caught.exception.http_status)
        self.assertEqual("invalid_currency", caught.exception.code)
        self.assertEqual("amount.currency", caught.exception.param)

    async def test_a_decline_is_a_failed_refund_not_an_exception(self):
        declined = await self.client.refund(
            request(unique("rf_py"), unique("sbx_10000_USD"), 700, connector_options={"sandbox_outcome": "declined"})
        )
        self.assertEqual(402, declined.http_status)
        self.assertEqual("FAILED", declined["status"])
        self.assertEqual("refund_failed", declined["error"]["code"])
        self.assertEqual(402, declined["status_code"])

    async def test_an_unknown_refund_is_refund_not_found(self):
        with self.assertRaises(refract.RefundNotFoundError) as caught:
            await self.client.get(unique("missing"))
        self.assertEqual(404, caught.exception.http_status)
        self.assertEqual("refund_not_found", caught.exception.code)

    async def test_list_follows_the_cursor_across_pages_newest_first(self):
        payment = unique("sbx_10000_USD")
        created = []
        for i in range(5):
            refund_id = unique(f"rf_py_list{i}")
            await self.client.refund(request(refund_id, payment, 100))
            created.insert(0, refund_id)
        first = await self.client.list_page(connector_transaction_id=payment, limit=2)
        self.assertEqual(2, len(first["data"]))
        self.assertTrue(first["has_more"])
        self.assertTrue(first["next_cursor"])

        listed = [r["merchant_refund_id"] async for r in self.client.list(connector_transaction_id=payment, limit=2)]
        self.assertEqual(created, listed, "all five, newest first, none twice, across three pages")
        failed = [r async for r in self.client.list(connector_transaction_id=payment, status=["FAILED"], limit=2)]
        self.assertEqual([], failed)

    async def test_sync_asks_the_psp_and_answers_the_refund_as_updated(self):
        refund_id = unique("rf_py_sync")
        pending = await self.client.refund(
            request(
                refund_id,
                unique("sbx_10000_USD"),
                1200,
                connector_options={"sandbox_outcome": "pending", "sandbox_settle_ms": 300},
            )
        )
        self.assertEqual("PENDING", pending["status"])
        deadline = time.monotonic() + 15
        synced = await self.client.sync(refund_id)
        while synced["status"] == "PENDING" and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
            synced = await self.client.sync(refund_id)
        self.assertEqual("SUCCEEDED", synced["status"])
        self.assertEqual(1200, synced["amount"]["minor_amount"])
        self.assertTrue(synced["connector_refund_id"])

    async def test_cancel_on_the_sandbox_is_not_cancellable(self):
        refund_id = unique("rf_py_cancel")
        await self.client.refund(request(refund_id, unique("sbx_10000_USD"), 300))
        with self.assertRaises(refract.NotCancellableError) as caught:
            await self.client.cancel(refund_id)
        self.assertEqual(409, caught.exception.http_status)
        self.assertEqual("not_cancellable", caught.exception.code)
        self.assertTrue(caught.exception.request_id)
        self.assertEqual("SUCCEEDED", (await self.client.get(refund_id))["status"], "nothing changed")

    async def test_a_wrong_key_is_an_authentication_error_that_does_not_repeat_the_key(self):
        wrong = "rk_wrong_" + unique("k")
        stranger = client(wrong)
        with self.assertRaises(refract.AuthenticationError) as caught:
            await stranger.get("anything")
        e = caught.exception
        self.assertEqual(401, e.http_status)
        self.assertEqual("authentication_required", e.code)
        for shown in (str(e), repr(e), repr(stranger), repr(stranger._transport), repr(vars(stranger))):
            self.assertNotIn(wrong, shown)

    async def test_a_notification_is_received_and_verified(self):
        secret = "whsec_py_" + unique("s")
        merchant_id, api_key = await asyncio.to_thread(new_merchant)
        receiver = Receiver()
        try:
            await asyncio.to_thread(set_webhook, merchant_id, receiver.url, secret)
            refund_id = unique("rf_py_notify")
            await client(api_key).refund(request(refund_id, unique("sbx_10000_USD"), 900))
            deadline = time.monotonic() + 30
            notification = None
            while notification is None or notification["type"] != "refund.succeeded":
                try:
                    body, header = await asyncio.to_thread(
                        receiver.deliveries.get, True, max(deadline - time.monotonic(), 0.01)
                    )
                except queue.Empty:
                    self.fail("refund.succeeded was not delivered within 30 s")
                # another secret first: any secret that matches is enough (a secret being rolled)
                notification = refract.verify_notification(body, header, ["whsec_previous", secret], 300)
            self.assertEqual(refund_id, notification["data"]["merchant_refund_id"])
            self.assertEqual("SUCCEEDED", notification["data"]["status"])
            self.assertEqual(900, notification["data"]["amount"]["minor_amount"])
            self.assertTrue(notification["id"].startswith("evt_"))

            with self.assertRaises(refract.SignatureVerificationError):
                refract.verify_notification(body, header, ["whsec_other"], 300)
            t = int(re.search(r"t=(\d+)", header).group(1))
            with self.assertRaises(refract.SignatureVerificationError, msg="replayed six minutes later"):
                refract.verify_notification(body, header, [secret], 300, now=t + 301)
        finally:
            await asyncio.to_thread(receiver.close)


if __name__ == "__main__":
    unittest.main()
