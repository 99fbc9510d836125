package org.fusioncds.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.fusioncds.sandbox.cohort.SyntheticNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CohortCommandTest {

  record Run(int exitCode, String stdout, String stderr) {}

  static Run cohort(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    String[] all = new String[args.length + 1];
    all[0] = "cohort";
    System.arraycopy(args, 0, all, 1, args.length);
    int rc = FusionCdsCommand.run(new PrintWriter(out, true), new PrintWriter(err, true), all);
    return new Run(rc, out.toString(), err.toString());
  }

  @Test
  void writesACohortAndOneSummaryLineWithoutPatientData(@TempDir Path tmp) {
    Run r = cohort("--patients", "12", "--seed", "5", "--out", tmp.resolve("c").toString());

    assertEquals(0, r.exitCode(), r.stderr());
    assertEquals("", r.stdout());
    assertTrue(r.stderr().startsWith("cohort: 12 patients, "), r.stderr());
    assertEquals(1, r.stderr().strip().lines().count());
    assertTrue(!r.stderr().contains("syn"), r.stderr());
    assertTrue(SyntheticNames.FAMILIES.stream().noneMatch(r.stderr()::contains), r.stderr());
    assertTrue(Files.isRegularFile(tmp.resolve("c/labels.csv")));
  }

  @Test
  void exportsTheServingTensorsOfEveryPatientBesideTheCohort(@TempDir Path tmp) throws Exception {
    Path tensors = tmp.resolve("t");

    Run r =
        cohort(
            "--patients",
            "10",
            "--seed",
            "6",
            "--out",
            tmp.resolve("c").toString(),
            "--export-tensors",
            tensors.toString());

    assertEquals(0, r.exitCode(), r.stderr());
    assertTrue(r.stderr().contains("tensors: 10 patients"), r.stderr());
    for (String name :
        new String[] {"image", "tabular", "tabular_mask", "image_present", "labels"}) {
      byte[] npy = Files.readAllBytes(tensors.resolve(name + ".npy"));
      assertEquals((byte) 0x93, npy[0], name);
      assertTrue(
          new String(npy, 0, 128, java.nio.charset.StandardCharsets.ISO_8859_1).contains("(10,"),
          name);
    }
  }

  @Test
  void refusesZeroPatients(@TempDir Path tmp) {
    Run r = cohort("--patients", "0", "--seed", "5", "--out", tmp.resolve("c").toString());

    assertEquals(FusionCdsCommand.EXIT_FAILURE, r.exitCode());
    assertTrue(r.stderr().startsWith("FCDS-8101: "), r.stderr());
    assertEquals("", r.stdout());
    assertTrue(Files.notExists(tmp.resolve("c")), "nothing written");
  }

  @Test
  void refusesAnOutputFolderItCannotCreate(@TempDir Path tmp) throws Exception {
    Path file = Files.writeString(tmp.resolve("plain-file"), "x");

    Run r = cohort("--patients", "3", "--seed", "5", "--out", file.resolve("sub").toString());

    assertEquals(FusionCdsCommand.EXIT_FAILURE, r.exitCode());
    assertTrue(r.stderr().startsWith("FCDS-8102: "), r.stderr());
    assertEquals(1, r.stderr().strip().lines().count(), r.stderr());
  }

  @Test
  void refusesAFolderThatIsNotEmpty(@TempDir Path tmp) throws Exception {
    Files.writeString(tmp.resolve("something.txt"), "keep me");

    Run r = cohort("--patients", "3", "--seed", "5", "--out", tmp.toString());

    assertEquals(FusionCdsCommand.EXIT_FAILURE, r.exitCode());
    assertTrue(r.stderr().startsWith("FCDS-8103: "), r.stderr());
    assertEquals("keep me", Files.readString(tmp.resolve("something.txt")));
  }

  @Test
  void refusesAMissingSeed(@TempDir Path tmp) {
    Run r = cohort("--patients", "3", "--out", tmp.resolve("c").toString());

    assertEquals(FusionCdsCommand.EXIT_FAILURE, r.exitCode());
    assertTrue(r.stderr().startsWith("FCDS-8001: "), r.stderr());
  }
}
