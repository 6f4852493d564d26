package dev.refract.refund;

/** The merchant a request is made for, as the core needs it. */
public record Merchant(String id, String name, String defaultConnector) {}
