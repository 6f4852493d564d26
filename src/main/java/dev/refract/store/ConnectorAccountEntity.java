package dev.refract.store;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

/** A merchant's account at one PSP. Credentials and webhook secret are stored only as ciphertexts. */
@Entity
@Table(name = "connector_accounts")
@IdClass(ConnectorAccountEntity.Key.class)
public class ConnectorAccountEntity extends PanacheEntityBase {

    @Id
    @Column(name = "merchant_id")
    public String merchantId;

    @Id
    public String connector;

    public boolean enabled;

    @Column(name = "credentials_enc")
    public String credentialsEnc;

    @Column(name = "webhook_secret_enc")
    public String webhookSecretEnc;

    /** The secret replaced last, while it may still verify a webhook (see {@code SecretRotationSettings}). */
    @Column(name = "previous_webhook_secret_enc")
    public String previousWebhookSecretEnc;

    @Column(name = "webhook_secret_replaced_at")
    public Instant webhookSecretReplacedAt;

    /** A JSON object of non-secret settings. */
    public String settings;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;

    public static class Key implements Serializable {
        public String merchantId;
        public String connector;

        public Key() {}

        public Key(String merchantId, String connector) {
            this.merchantId = merchantId;
            this.connector = connector;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k
                    && Objects.equals(merchantId, k.merchantId)
                    && Objects.equals(connector, k.connector);
        }

        @Override
        public int hashCode() {
            return Objects.hash(merchantId, connector);
        }
    }
}
