package dev.refract.sdk;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A proxy in front of the service that spoils the next answers as told: it forwards a request and then drops the
 * connection without answering (the service acted, the client never learns it), or answers 503 or 429 with a
 * Retry-After itself without forwarding. It records every request it was sent.
 */
final class FaultyProxy implements AutoCloseable {

    enum Fault {
        DROP_ANSWER,
        UNAVAILABLE,
        RATE_LIMITED
    }

    record Seen(String method, String path, String body, long atNanos) {}

    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final HttpClient upstream =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final String target;
    private final Deque<Fault> faults = new ArrayDeque<>();
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private volatile String retryAfter = "1";

    FaultyProxy(String target) throws IOException {
        this.target = target;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(threads);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The next requests meet these faults, one each, in order; later ones are forwarded. */
    synchronized FaultyProxy failNext(Fault... next) {
        faults.addAll(List.of(next));
        return this;
    }

    FaultyProxy retryAfter(String value) {
        retryAfter = value;
        return this;
    }

    List<Seen> seen() {
        return List.copyOf(seen);
    }

    private synchronized Fault nextFault() {
        return faults.poll();
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        seen.add(new Seen(
                exchange.getRequestMethod(),
                exchange.getRequestURI().toString(),
                new String(body, StandardCharsets.UTF_8),
                System.nanoTime()));
        Fault fault = nextFault();
        if (fault == Fault.UNAVAILABLE || fault == Fault.RATE_LIMITED) {
            int status = fault == Fault.UNAVAILABLE ? 503 : 429;
            byte[] error = ("{\"error\":{\"type\":\"api_error\",\"code\":\""
                            + (status == 503 ? "service_unavailable" : "rate_limited")
                            + "\",\"message\":\"spoilt by the test's proxy\"}}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Retry-After", retryAfter);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, error.length);
            exchange.getResponseBody().write(error);
            exchange.close();
            return;
        }
        HttpResponse<byte[]> answer;
        try {
            HttpRequest.Builder forward = HttpRequest.newBuilder(URI.create(target + exchange.getRequestURI()))
                    .method(exchange.getRequestMethod(), HttpRequest.BodyPublishers.ofByteArray(body));
            for (String h : List.of("Authorization", "Content-Type", "Accept")) {
                String v = exchange.getRequestHeaders().getFirst(h);
                if (v != null) {
                    forward.header(h, v);
                }
            }
            answer = upstream.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exchange.close();
            return;
        }
        if (fault == Fault.DROP_ANSWER) {
            // closing an exchange that has sent no headers closes its connection: the client reads no answer
            exchange.close();
            return;
        }
        for (String h : List.of("Content-Type", "X-Request-Id", "Idempotent-Replayed", "Retry-After")) {
            answer.headers()
                    .firstValue(h)
                    .ifPresent(v -> exchange.getResponseHeaders().add(h, v));
        }
        exchange.sendResponseHeaders(answer.statusCode(), answer.body().length == 0 ? -1 : answer.body().length);
        exchange.getResponseBody().write(answer.body());
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
