package org.fusioncds.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class MachineCpuTest {

  @Test
  void idleAndIowaitAreNotBusyAndGuestColumnsAreNotCountedTwice() {
    // user nice system idle iowait irq softirq steal guest guest_nice
    long[] r = MachineCpu.parse("cpu  100 5 50 800 20 3 2 0 40 0");

    assertArrayEquals(new long[] {160, 980}, r);
  }

  @Test
  void theBusyShareIsTheBusyJiffiesOverAllJiffiesBetweenTwoReadings() {
    assertEquals(0.75, MachineCpu.busy(new long[] {100, 1000}, new long[] {250, 1200}), 1e-12);
    assertTrue(Double.isNaN(MachineCpu.busy(new long[] {1, 2}, new long[] {1, 2})));
  }

  @Test
  void thisMachineReportsItsCountersAndOtherLinesAreRefused() {
    long[] now = MachineCpu.read();
    assertTrue(now[1] >= now[0] && now[0] >= 0, now[0] + "/" + now[1]);
    assertThrows(IllegalArgumentException.class, () -> MachineCpu.parse("cpu0 1 2 3 4"));
  }
}
