package dev.refract.store;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A merchant: who may call the API with which key, and where its notifications go. */
@Entity
@Table(name = "merchants")
public class MerchantEntity extends PanacheEntityBase {

    @Id
    public String id;

    public String name;

    @Column(name = "api_key_hash")
    public String apiKeyHash;

    @Column(name = "default_connector")
    public String defaultConnector;

    @Column(name = "webhook_url")
    public String webhookUrl;

    @Column(name = "webhook_secret_enc")
    public String webhookSecretEnc;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;
}
