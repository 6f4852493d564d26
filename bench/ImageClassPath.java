import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What each of the project's dependencies puts on the class path that {@code native-image} is handed, as a proxy of
 * what it adds to the binary: the bytes of the classes in every jar of {@code target/native-sources/lib}, summed per
 * dependency of {@code pom.xml}. A jar reached through several dependencies counts in each one's closure, and as
 * "exclusive" only in the one dependency that alone brings it: the exclusive sum is what dropping that dependency
 * takes off the class path. native-image compiles only what is reachable, so the binary grows by less than these
 * sums; they rank the dependencies, they do not predict megabytes of binary.
 *
 * <pre>java bench/ImageClassPath.java target/native-sources dependency-tree.txt</pre>
 *
 * The tree is {@code ./mvnw dependency:tree -Dscope=runtime -Dverbose -DoutputFile=...} (bench/classpath.sh runs
 * both): the verbose form keeps every edge, duplicates included, so each dependency's closure is complete.
 */
public class ImageClassPath {

    record Jar(String file, int classes, long classBytes, long otherBytes) {}

    private static final Pattern NODE = Pattern.compile("^[(]?([^:() ]+):([^:() ]+):([^:() ]+):(?:([^:() ]+):)?([^:() ]+):([a-z]+)");

    public static void main(String[] args) throws IOException {
        Path sources = Path.of(args[0]);
        Path runner;
        try (var files = Files.list(sources)) {
            runner = files.filter(p -> p.getFileName().toString().endsWith("-runner.jar")).findFirst().orElseThrow();
        }
        List<String> classPath = new ArrayList<>();
        try (JarFile jar = new JarFile(runner.toFile())) {
            for (String entry : jar.getManifest().getMainAttributes().getValue("Class-Path").split(" ")) {
                if (!entry.isBlank()) {
                    classPath.add(entry.substring(entry.lastIndexOf('/') + 1));
                }
            }
        }
        Map<String, Jar> jars = new LinkedHashMap<>();
        for (String file : classPath) {
            jars.put(file, measure(sources.resolve("lib").resolve(file), file));
        }
        Jar application = measure(runner, runner.getFileName().toString());

        // the dependency graph: every edge of the verbose tree, and the project's direct dependencies
        Map<String, Set<String>> children = new HashMap<>();
        Map<String, String> fileToKey = new HashMap<>();
        List<String> direct = new ArrayList<>();
        Deque<String> path = new ArrayDeque<>();
        for (String line : Files.readAllLines(Path.of(args[1]))) {
            int at = 0;
            while (at < line.length() && "|+-\\ ".indexOf(line.charAt(at)) >= 0) {
                at++;
            }
            Matcher m = NODE.matcher(line.substring(at));
            if (!m.find()) {
                continue;
            }
            int depth = at / 3;
            String key = m.group(1) + ":" + m.group(2);
            String version = m.group(5);
            String classifier = m.group(4) == null ? "" : "-" + m.group(4);
            // `version` is the managed one; the files are named after it
            fileToKey.put(m.group(1) + "." + m.group(2) + "-" + version + classifier + ".jar", key);
            if (depth == 0) {
                continue; // the project itself
            }
            while (path.size() > depth - 1) {
                path.pop();
            }
            if (depth == 1) {
                direct.add(key);
            }
            if (!path.isEmpty()) {
                children.computeIfAbsent(path.peek(), k -> new LinkedHashSet<>()).add(key);
            }
            path.push(key);
        }

        Map<String, Set<String>> closure = new LinkedHashMap<>();
        for (String d : direct) {
            Set<String> seen = new LinkedHashSet<>();
            Deque<String> todo = new ArrayDeque<>(List.of(d));
            while (!todo.isEmpty()) {
                String k = todo.pop();
                if (seen.add(k)) {
                    todo.addAll(children.getOrDefault(k, Set.of()));
                }
            }
            closure.put(d, seen);
        }

        Map<String, List<String>> owners = new HashMap<>();
        List<String> unowned = new ArrayList<>();
        for (String file : jars.keySet()) {
            String key = fileToKey.get(file.startsWith("modified-") ? file.substring("modified-".length()) : file);
            List<String> by = new ArrayList<>();
            for (String d : direct) {
                if (key != null && closure.get(d).contains(key)) {
                    by.add(d);
                }
            }
            owners.put(file, by);
            if (by.isEmpty()) {
                unowned.add(file);
            }
        }

        long total = jars.values().stream().mapToLong(Jar::classBytes).sum();
        int totalClasses = jars.values().stream().mapToInt(Jar::classes).sum();
        System.out.printf("native-image class path: %d jars, %,d classes, %,d bytes of classes (%.1f MB)%n",
                jars.size(), totalClasses, total, total / 1e6);
        System.out.printf("the application jar (Refract and what Quarkus generated): %,d classes, %,d bytes%n%n",
                application.classes(), application.classBytes());

        System.out.println("per direct dependency of pom.xml (MB of class bytes; exclusive = only this dependency brings it):");
        System.out.printf("%10s %10s %7s  %s%n", "exclusive", "closure", "jars", "dependency");
        record Row(String dep, long exclusive, long all, int count, List<String> exclusiveJars) {}
        List<Row> rows = new ArrayList<>();
        for (String d : direct) {
            long exclusive = 0;
            long all = 0;
            int count = 0;
            List<String> mine = new ArrayList<>();
            for (var e : jars.entrySet()) {
                List<String> by = owners.get(e.getKey());
                if (by.contains(d)) {
                    all += e.getValue().classBytes();
                    count++;
                    if (by.size() == 1) {
                        exclusive += e.getValue().classBytes();
                        mine.add(e.getKey());
                    }
                }
            }
            if (count > 0) {
                rows.add(new Row(d, exclusive, all, count, mine));
            }
        }
        rows.sort(Comparator.comparingLong(Row::exclusive).reversed());
        for (Row r : rows) {
            System.out.printf("%10.2f %10.2f %7d  %s%n", r.exclusive() / 1e6, r.all() / 1e6, r.count(), r.dep());
        }
        long shared = jars.entrySet().stream()
                .filter(e -> owners.get(e.getKey()).size() > 1)
                .mapToLong(e -> e.getValue().classBytes())
                .sum();
        System.out.printf("%10.2f %10s %7s  shared by several dependencies%n", shared / 1e6, "", "");
        long extra = unowned.stream().mapToLong(f -> jars.get(f).classBytes()).sum();
        System.out.printf("%10.2f %10s %7d  not in the tree: added by Quarkus itself%n%n", extra / 1e6, "", unowned.size());

        System.out.println("the largest jars (MB of class bytes, classes, MB of other resources, brought by):");
        jars.values().stream()
                .sorted(Comparator.comparingLong(Jar::classBytes).reversed())
                .limit(40)
                .forEach(j -> System.out.printf("%8.2f %6d %8.2f  %s  <- %s%n", j.classBytes() / 1e6, j.classes(),
                        j.otherBytes() / 1e6, j.file(), shortNames(owners.get(j.file()))));
        if (!unowned.isEmpty()) {
            System.out.println();
            System.out.println("not in the dependency tree: " + new TreeSet<>(unowned));
        }
        System.out.println();
        for (Row r : rows) {
            if (!r.exclusiveJars().isEmpty()) {
                System.out.println(r.dep() + " alone brings: " + String.join(" ", r.exclusiveJars()));
            }
        }
    }

    private static String shortNames(List<String> keys) {
        if (keys.isEmpty()) {
            return "(Quarkus)";
        }
        List<String> names = keys.stream().map(k -> k.substring(k.indexOf(':') + 1)).toList();
        return names.size() > 4 ? names.size() + " dependencies" : String.join(", ", names);
    }

    private static Jar measure(Path file, String name) throws IOException {
        int classes = 0;
        long classBytes = 0;
        long other = 0;
        try (JarFile jar = new JarFile(file.toFile())) {
            for (var entries = jar.entries(); entries.hasMoreElements(); ) {
                var e = entries.nextElement();
                if (e.isDirectory()) {
                    continue;
                }
                if (e.getName().endsWith(".class")) {
                    classes++;
                    classBytes += e.getSize();
                } else {
                    other += e.getSize();
                }
            }
        }
        return new Jar(name, classes, classBytes, other);
    }
}
