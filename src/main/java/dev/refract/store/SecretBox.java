package dev.refract.store;

import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts PSP credentials and webhook secrets at rest with AES-256-GCM under {@code refract.secrets.key}
 * (env {@code REFRACT_SECRETS_KEY}, 32 bytes in base64). Each value is bound to where it is stored (the
 * associated data names the merchant and the field), so a ciphertext copied to another row does not open.
 * Format: {@code v1:<base64(12-byte nonce || ciphertext+tag)>}.
 */
@ApplicationScoped
@Startup // a missing or malformed key stops the service at start, not at the first merchant's request
public class SecretBox {

    private static final String PREFIX = "v1:";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec key;
    private final SecureRandom random = new SecureRandom();

    SecretBox(SecretSettings settings) {
        String encoded = settings.key()
                .filter(k -> !k.isBlank())
                .orElseThrow(() -> new IllegalStateException(
                        "refract.secrets.key (REFRACT_SECRETS_KEY) is not set: give 32 random bytes in base64, "
                                + "e.g. the output of `openssl rand -base64 32`"));
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(encoded.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("refract.secrets.key is not valid base64");
        }
        if (raw.length != 32) {
            throw new IllegalStateException("refract.secrets.key must be 32 bytes, it has " + raw.length);
        }
        this.key = new SecretKeySpec(raw, "AES");
    }

    public String seal(String plaintext, String context) {
        try {
            byte[] nonce = new byte[NONCE_BYTES];
            random.nextBytes(nonce);
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            return PREFIX
                    + Base64.getEncoder()
                            .encodeToString(ByteBuffer.allocate(nonce.length + sealed.length)
                                    .put(nonce)
                                    .put(sealed)
                                    .array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("encryption failed", e);
        }
    }

    public String open(String sealed, String context) {
        if (sealed == null || !sealed.startsWith(PREFIX)) {
            throw new IllegalStateException("not a sealed secret");
        }
        try {
            byte[] all = Base64.getDecoder().decode(sealed.substring(PREFIX.length()));
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, all, 0, NONCE_BYTES));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            return new String(cipher.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            // Never include the value: only that it did not open (wrong key, or moved from another row).
            throw new IllegalStateException("a stored secret could not be decrypted for " + context);
        }
    }
}
