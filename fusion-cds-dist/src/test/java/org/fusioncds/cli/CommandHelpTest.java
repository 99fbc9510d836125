package org.fusioncds.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every command answers {@code --help} with its usage, as a user first tries it; the demo run where
 * its models are not says so before it starts anything.
 */
class CommandHelpTest {

  @ParameterizedTest(name = "{0} --help")
  @ValueSource(
      strings = {"bench", "demo", "serve", "audit", "evaluate", "cohort", "cohort-export", "dicom"})
  void everyCommandPrintsItsUsageAndExitsZero(String command) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();

    int exit = FusionCdsCommand.run(new PrintWriter(out), new PrintWriter(err), command, "--help");

    assertEquals(0, exit, err.toString());
    assertTrue(out.toString().startsWith("Usage: fusion-cds " + command), out.toString());
  }

  @Test
  void theDemoWithoutItsModelsSaysWhereItLookedBeforeItStartsAnything(@TempDir Path tmp)
      throws Exception {
    Path empty = Files.createDirectories(tmp.resolve("models"));
    for (String[] args :
        List.of(
            new String[] {"demo", "--models", tmp.resolve("absent").toString()},
            new String[] {"demo", "--models", empty.toString()},
            new String[] {"demo", "--kafka", "--models", empty.toString()})) {
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();

      int exit = FusionCdsCommand.run(new PrintWriter(out), new PrintWriter(err), args);

      String said = String.join(" ", args) + ": " + err + out;
      assertEquals(2, exit, said);
      assertTrue(err.toString().startsWith("FCDS-5105: "), said);
      assertTrue(err.toString().contains(tmp.toString()), said);
      assertEquals("", out.toString(), "nothing started: " + said);
    }
  }
}
