package dev.refract.store;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A merchant: its name, default connector, and where its notifications go (its API keys are in api_keys). */
@Entity
@Table(name = "merchants")
public class MerchantEntity extends PanacheEntityBase {

    @Id
    public String id;

    public String name;

    @Column(name = "default_connector")
    public String defaultConnector;

    @Column(name = "webhook_url")
    public String webhookUrl;

    @Column(name = "webhook_secret_enc")
    public String webhookSecretEnc;

    /** The notification secret replaced last: notifications are signed with it too for a grace period. */
    @Column(name = "previous_webhook_secret_enc")
    public String previousWebhookSecretEnc;

    @Column(name = "webhook_secret_replaced_at")
    public Instant webhookSecretReplacedAt;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;
}
