package org.fusioncds.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every command answers {@code --help} with its usage, as a user first tries it. */
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
}
