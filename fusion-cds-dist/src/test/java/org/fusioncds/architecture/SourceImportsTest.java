package org.fusioncds.architecture;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The source-level cycle check finds a cycle made of an import and a fully qualified name. */
class SourceImportsTest {

  @Test
  void findsACycleThroughAnImportAndAQualifiedName(@TempDir Path src) throws IOException {
    write(src, "a/A.java", "package org.fusioncds.a;\nimport org.fusioncds.b.B;\nclass A {}\n");
    write(
        src, "b/B.java", "package org.fusioncds.b;\nclass B { String s = org.fusioncds.a.A.X; }\n");
    write(src, "c/C.java", "package org.fusioncds.c;\nimport org.fusioncds.a.A;\nclass C {}\n");

    Map<String, Set<String>> graph = SourceImports.of(src);
    List<List<String>> cycles = SourceImports.cycles(graph);

    assertEquals(1, cycles.size(), cycles.toString());
    assertEquals(Set.of("org.fusioncds.a", "org.fusioncds.b"), Set.copyOf(cycles.get(0)));
  }

  private static void write(Path root, String file, String text) throws IOException {
    Path f = root.resolve(file);
    Files.createDirectories(f.getParent());
    Files.writeString(f, text);
  }
}
