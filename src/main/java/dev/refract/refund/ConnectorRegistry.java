package dev.refract.refund;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Every connector bean that is available in this deployment, by name, and every kind of account a merchant may
 * configure. Adding a PSP adds a bean, no enum.
 */
@ApplicationScoped
public class ConnectorRegistry {

    private final Map<String, Connector> byName = new TreeMap<>();
    private final Map<String, AccountKind> accountKinds = new TreeMap<>();

    ConnectorRegistry(Instance<Connector> connectors, Instance<AccountKind> kinds) {
        for (Connector c : connectors) {
            if (c.available()) {
                byName.put(c.name(), c);
            }
        }
        for (AccountKind k : kinds) {
            if (!(k instanceof Connector c) || c.available()) {
                accountKinds.put(k.name(), k);
            }
        }
    }

    /** A connector or sink a merchant may hold an account at. */
    public Optional<AccountKind> findAccountKind(String name) {
        return Optional.ofNullable(name == null ? null : accountKinds.get(name));
    }

    public Optional<Connector> find(String name) {
        return Optional.ofNullable(name == null ? null : byName.get(name));
    }

    public Connector get(String name) {
        return find(name).orElseThrow(() -> RefundError.InvalidRequest.of("connector", "unknown connector " + name));
    }

    public Iterable<Connector> all() {
        return byName.values();
    }
}
