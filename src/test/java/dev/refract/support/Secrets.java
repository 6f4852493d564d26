package dev.refract.support;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The secrets the tests hand to Refract, and a check that a log holds none of them. */
public final class Secrets {

    /** Fixed secrets used across the tests: PSP keys, webhook secrets, tokens. */
    public static final List<String> FIXED = List.of(
            "sk_test_51contract",
            "whsec_test_refract_endpoint",
            "whsec_merchant_receiver",
            "AQEyhmfxcontract",
            "admin_token_contract",
            "44782DEF547AAA06C910C43932B1EB0C",
            "credyt_key",
            "whsec_credyt",
            "key_charges_contract",
            "sk_test_kill",
            "sk_test_replicas",
            "whsec_replicas",
            "sk_test_race",
            "whsec_replicas_race",
            "whsec_merchant_race",
            "sk_test_restart",
            "whsec_rot_old",
            "whsec_rot_new",
            "whsec_keep_old",
            "whsec_keep_new",
            "whsec_notify_rotation_old",
            "whsec_notify_rotation_new",
            "0123456789ABCDEF0123456789ABCDEF",
            OidcStandIn.CLIENT_SECRET,
            Api.ADMIN_TOKEN);

    /** A merchant API key as Refract issues them: whatever merchant it belongs to, it must never be logged. */
    static final Pattern API_KEY = Pattern.compile("rk_[A-Za-z0-9_-]{20,}");

    /** A signed token (a JWT: an operator's access or ID token): whoever it belongs to, it must never be logged. */
    static final Pattern JWT = Pattern.compile("eyJ[A-Za-z0-9_-]{10,}\\.eyJ[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{10,}");

    private Secrets() {}

    /** Fails naming (the start of) the first secret found in the text. */
    public static void assertNoneIn(String text, String where, List<String> more) {
        for (List<String> secrets : List.of(FIXED, more)) {
            for (String secret : secrets) {
                if (text.contains(secret)) {
                    throw new AssertionError("a secret is in " + where + ": " + secret.substring(0, 6) + "…");
                }
            }
        }
        Matcher key = API_KEY.matcher(text);
        if (key.find()) {
            throw new AssertionError(
                    "an API key is in " + where + ": " + key.group().substring(0, 6) + "…");
        }
        Matcher token = JWT.matcher(text);
        if (token.find()) {
            throw new AssertionError(
                    "a signed token is in " + where + ": " + token.group().substring(0, 12) + "…");
        }
    }
}
