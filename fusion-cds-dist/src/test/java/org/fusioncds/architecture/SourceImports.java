package org.fusioncds.architecture;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Package → packages it imports, read from Java sources; and the cycles among them. */
public final class SourceImports {

  private static final Pattern PACKAGE = Pattern.compile("(?m)^package ([\\w.]+);");
  private static final Pattern IMPORT =
      Pattern.compile("(?m)^import (?:static )?(org\\.fusioncds\\.[\\w.]+);");
  private static final Pattern QUALIFIED =
      Pattern.compile("\\borg\\.fusioncds\\.((?:[a-z]\\w*\\.)+)[A-Z]");

  private SourceImports() {}

  static Map<String, Set<String>> of(Path root) throws IOException {
    Map<String, Set<String>> graph = new TreeMap<>();
    try (Stream<Path> files = Files.walk(root)) {
      files.filter(f -> f.toString().endsWith(".java")).forEach(f -> add(graph, f));
    }
    return graph;
  }

  /** The graph of every module's main sources together. */
  static Map<String, Set<String>> ofAllModules() throws IOException {
    Map<String, Set<String>> graph = new TreeMap<>();
    mainSources().forEach(f -> add(graph, f));
    return graph;
  }

  /**
   * Every Java file under each module's {@code src/main/java} (the tests run from the repository's
   * top folder); at least one module, or the check would pass on nothing.
   */
  public static List<Path> mainSources() throws IOException {
    List<Path> roots;
    try (Stream<Path> modules = Files.list(Path.of("."))) {
      roots =
          modules.map(m -> m.resolve("src/main/java")).filter(Files::isDirectory).sorted().toList();
    }
    if (roots.size() < 5) {
      throw new IllegalStateException("expected the five modules' sources, found " + roots);
    }
    List<Path> files = new ArrayList<>();
    for (Path root : roots) {
      try (Stream<Path> s = Files.walk(root)) {
        s.filter(f -> f.toString().endsWith(".java")).sorted().forEach(files::add);
      }
    }
    return files;
  }

  private static void add(Map<String, Set<String>> graph, Path file) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Matcher p = PACKAGE.matcher(text);
    if (!p.find()) {
      return;
    }
    String pkg = p.group(1);
    Set<String> to = graph.computeIfAbsent(pkg, k -> new TreeSet<>());
    Matcher i = IMPORT.matcher(text);
    while (i.find()) {
      to.add(packageOf(i.group(1)));
    }
    String code = text.replaceAll("(?m)^(package|import) .*$", "");
    Matcher q = QUALIFIED.matcher(code);
    while (q.find()) {
      String name = q.group(1);
      to.add("org.fusioncds." + name.substring(0, name.length() - 1));
    }
    to.remove(pkg);
  }

  /** The package part of a qualified name: the segments before the first capitalised one. */
  private static String packageOf(String qualified) {
    List<String> parts = new ArrayList<>();
    for (String s : qualified.split("\\.")) {
      if (Character.isUpperCase(s.charAt(0))) {
        break;
      }
      parts.add(s);
    }
    return String.join(".", parts);
  }

  /** Strongly connected components of more than one package (Tarjan). */
  static List<List<String>> cycles(Map<String, Set<String>> graph) {
    Tarjan t = new Tarjan(graph);
    graph.keySet().forEach(v -> t.visit(v));
    return t.cycles;
  }

  private static final class Tarjan {
    final Map<String, Set<String>> graph;
    final Map<String, Integer> index = new HashMap<>();
    final Map<String, Integer> low = new HashMap<>();
    final List<String> stack = new ArrayList<>();
    final List<List<String>> cycles = new ArrayList<>();
    int next;

    Tarjan(Map<String, Set<String>> graph) {
      this.graph = graph;
    }

    void visit(String v) {
      if (index.containsKey(v)) {
        return;
      }
      index.put(v, next);
      low.put(v, next++);
      stack.add(v);
      for (String w : graph.getOrDefault(v, Set.of())) {
        if (!index.containsKey(w)) {
          visit(w);
          low.put(v, Math.min(low.get(v), low.get(w)));
        } else if (stack.contains(w)) {
          low.put(v, Math.min(low.get(v), index.get(w)));
        }
      }
      if (low.get(v).equals(index.get(v))) {
        List<String> component = new ArrayList<>();
        String w;
        do {
          w = stack.remove(stack.size() - 1);
          component.add(w);
        } while (!w.equals(v));
        if (component.size() > 1) {
          cycles.add(component);
        }
      }
    }
  }
}
