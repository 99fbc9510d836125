package org.fusioncds.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.fusioncds.bench.BenchSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code fusion-cds bench --quick} as a user runs it: the embedded servers, the real service, the
 * committed model, every part printed with its floor from the same run. The figures themselves are
 * not judged here (they are the closing note's), only that each was measured and nothing failed.
 */
class BenchCommandIT {

  private static String[] run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = FusionCdsCommand.run(new PrintWriter(out), new PrintWriter(err), args);
    return new String[] {Integer.toString(exit), out.toString(), err.toString()};
  }

  private static double number(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertTrue(m.find(), "no match for " + regex + " in:\n" + text);
    return Double.parseDouble(m.group(1));
  }

  @Test
  void aQuickBenchPrintsEveryFigureBesideItsFloorMeasuredInTheSameRun(@TempDir Path work) {
    String[] r = run("bench", "--quick", "--work", work.toString());

    String out = r[1];
    assertEquals("0", r[0], r[2] + "\n" + out);
    assertEquals(
        2,
        Pattern.compile("our assembled inputs give the report's result key: 4/4")
            .matcher(out)
            .results()
            .count(),
        "both card timings: " + out);
    double card =
        number(
            out,
            "\\(a\\) hook call, first time \\(model run, card before the report\\)\\s+([0-9.]+)");
    double ready = number(out, "\\(f\\) from the call until the report can be read\\s+([0-9.]+)");
    assertTrue(card > 0 && ready >= card, "card " + card + " ms, report readable " + ready + " ms");
    double call =
        number(out, "\\(a\\) hook call, first time \\(model run, report written\\)\\s+([0-9.]+)");
    double inRoute = number(out, "route cds-hook\\s+([0-9.]+)");
    double gathering = number(out, "route gather\\s+([0-9.]+)");
    assertTrue(
        gathering > 0 && gathering < inRoute && inRoute <= call,
        "the service's routes within the call: gather "
            + gathering
            + ", cds-hook "
            + inRoute
            + ", call "
            + call
            + " ms\n"
            + out);
    assertTrue(number(out, "median\\(a\\)/median\\(\\(b\\)\\+\\(c\\)\\) = ([0-9.]+)") > 0, out);
    for (String level : new String[] {"1", "10"}) {
      Matcher m = Pattern.compile("\\n\\s+" + level + "\\s+40\\s+40\\s+.*none; none").matcher(out);
      assertTrue(m.find(), "cached level " + level + ": 40 calls, 40 cached answers, no error");
    }
    Matcher row =
        Pattern.compile("\\n\\s+10\\s+40\\s+40\\s+[0-9.]+\\s+[0-9.]+\\s+([0-9.]+)\\s+([0-9.]+) \\|")
            .matcher(out);
    assertTrue(row.find(), "10 callers: hooks/s and shipped/s\n" + out);
    double answered = Double.parseDouble(row.group(1));
    double shipped = Double.parseDouble(row.group(2));
    assertTrue(
        shipped > 0 && shipped <= answered,
        "with their AuditEvents shipped, " + shipped + " hooks/s, not above " + answered);
    assertTrue(number(out, "callers\\s+1\\s+([0-9]+)\\s+mean batch") > 0, out);
    double mean = number(out, "callers\\s+8\\s+[0-9]+\\s+mean batch\\s+([0-9.]+)");
    assertTrue(mean >= 1 && mean <= 32, "8 callers, mean batch " + mean);
    assertTrue(out.contains("2 threads, 1 intra-op"), "raw as the batcher's 2 instances: " + out);
    double toBest =
        number(out, "callers\\s+8 .*ratio to raw best \\(batch \\d+, [^)]+\\):\\s+([0-9.]+)");
    double toFill =
        number(
            out, "callers\\s+8 .*with at most 8 in flight \\(batch \\d+, [^)]+\\):\\s+([0-9.]+)");
    assertTrue(toBest > 0 && toFill >= toBest, "8 callers: " + toBest + ", " + toFill + "\n" + out);
    double inFlightBatch = number(out, "in flight\\s+8\\s+[0-9]+\\s+mean batch\\s+([0-9.]+)");
    assertTrue(
        inFlightBatch >= 1 && inFlightBatch <= 32, "8 in flight, mean batch " + inFlightBatch);
    // the hand-off ceiling: the batcher around a stand-in of CPU time, beside its own raw
    Matcher standIn =
        Pattern.compile(
                "stand-in\\s+8\\s+([0-9]+)\\s+mean batch\\s+([0-9.]+)\\s+ratio to its own raw"
                    + " \\(2 threads, ([0-9.]+) us of CPU per sample, ([0-9]+)/s\\):\\s+([0-9.]+)")
            .matcher(out);
    assertTrue(standIn.find(), "the stand-in's row\n" + out);
    double standInRate = Double.parseDouble(standIn.group(1));
    double standInRaw = Double.parseDouble(standIn.group(4));
    assertTrue(
        standInRate > 0
            && standInRaw > 0
            && Double.parseDouble(standIn.group(2)) >= 1
            && Double.parseDouble(standIn.group(3)) > 0,
        standIn.group());
    assertEquals(
        standInRate / standInRaw,
        Double.parseDouble(standIn.group(5)),
        0.006,
        "the ratio printed is the two rates': " + standIn.group());
    assertTrue(number(out, "\\n\\s+32 \\|\\s+[0-9]+ \\|\\s+([0-9]+) \\|") > 0, out);
    assertTrue(out.contains("bench: "), out);
  }

  @Test
  void refusesAPartItDoesNotHaveWithACodedLineAndPrintsNothing() {
    String[] r = run("bench", "--parts", "hook,gpu");

    assertEquals("2", r[0]);
    assertEquals("", r[1]);
    assertTrue(r[2].startsWith("FCDS-8001"), r[2]);
    assertTrue(r[2].contains("hook,gpu"), r[2]);
  }

  @Test
  void refusesABatcherWithoutInstances() {
    String[] r = run("bench", "--batch-instances", "0", "--parts", "inference");

    assertEquals("2", r[0]);
    assertTrue(r[2].startsWith("FCDS-8001") && r[2].contains("--batch-instances"), r[2]);
  }

  @Test
  void refusesAConcurrencyLevelOfZero() {
    String[] r = run("bench", "--levels", "1,0", "--parts", "hook");

    assertEquals("2", r[0]);
    assertTrue(r[2].startsWith("FCDS-8001") && r[2].contains("[1, 0]"), r[2]);
  }

  @Test
  void refusesZeroCallsPerCallerAndGivesEachCallerOfALevelItsShare(@TempDir Path work)
      throws Exception {
    String[] r = run("bench", "--calls-per-caller", "0", "--parts", "hook");

    assertEquals("2", r[0]);
    assertTrue(r[2].startsWith("FCDS-8001") && r[2].contains("--calls-per-caller"), r[2]);

    BenchCommand command = new BenchCommand();
    new CommandLine(command)
        .parseArgs("--calls", "400", "--calls-per-caller", "40", "--work", work.toString());
    BenchSettings settings = command.settings();
    assertEquals(400, settings.callsAt(1));
    assertEquals(400, settings.callsAt(10));
    assertEquals(2000, settings.callsAt(50));
  }
}
