package org.fusioncds.error;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;

class TracesTest {

  @Test
  void showsEveryClassOfTheChainAndItsCodeButNoMessage() {
    Exception root = new IllegalStateException("Patient/smith-1962-04-01 has no name");
    FcdsException coded =
        new FcdsException(ErrorCode.UNEXPECTED, "while reading Patient/smith-1962-04-01", root);
    RuntimeException top = new RuntimeException("wrapper of Patient/smith-1962-04-01", coded);

    String trace = Traces.withoutMessages(top);

    assertFalse(trace.contains("smith"), trace);
    assertFalse(trace.contains("1962"), trace);
    assertTrue(trace.startsWith("java.lang.RuntimeException\n  at "), trace);
    assertTrue(
        trace.contains("caused by org.fusioncds.error.FcdsException FCDS-1099\n  at "), trace);
    assertTrue(trace.contains("caused by java.lang.IllegalStateException\n  at "), trace);
    assertTrue(trace.contains("TracesTest.showsEveryClassOfTheChainAndItsCodeButNoMessage"), trace);
  }

  @Test
  void keepsAtMostTwelveFramesOfEachException() {
    Throwable deep = recurse(40);

    String trace = Traces.withoutMessages(deep);

    assertEquals(Traces.FRAMES, trace.lines().filter(l -> l.startsWith("  at ")).count(), trace);
    assertTrue(
        trace
            .lines()
            .anyMatch(
                l ->
                    l.matches(
                        "  … \\d+ more frames, the first of ours at "
                            + "org\\.fusioncds\\.error\\.TracesTest\\.recurse.*")),
        trace);
  }

  @Test
  void endsACauseLoopAndAVeryDeepChain() {
    Exception a = new Exception("a");
    Exception b = new Exception("b", a);
    a.initCause(b);
    assertEquals(1, Traces.withoutMessages(a).split("caused by").length - 1);

    Throwable chain = new UncheckedIOException(new java.io.IOException("0"));
    for (int i = 0; i < 20; i++) {
      chain = new RuntimeException(String.valueOf(i), chain);
    }
    String trace = Traces.withoutMessages(chain);
    assertEquals(Traces.CHAIN - 1, trace.split("caused by").length - 1, trace);
    assertTrue(trace.endsWith("… deeper causes left out"), trace);
  }

  @Test
  void saysSoWhenThereIsNoException() {
    assertEquals("no exception", Traces.withoutMessages(null));
  }

  private static Throwable recurse(int n) {
    return n == 0 ? new IllegalArgumentException("x") : recurse(n - 1);
  }
}
