package org.fusioncds.cdshooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.junit.jupiter.api.Test;

class CardTimingTest {

  @Test
  void bothTimingsAreReadAsWritten() {
    assertEquals(CardTiming.AFTER_REPORT, CardTiming.of("after-report", 1000, 2));
    assertEquals(CardTiming.BEFORE_REPORT, CardTiming.of(" before-report ", 1, 1));
    assertEquals("before-report", CardTiming.BEFORE_REPORT.setting());
  }

  @Test
  void anyOtherTimingIsRefusedWithItsCodeAndValue() {
    for (String bad : new String[] {"before", "BEFORE-REPORT", "", null}) {
      FcdsException e =
          assertThrows(FcdsException.class, () -> CardTiming.of(bad, 1000, 2), String.valueOf(bad));
      assertEquals(ErrorCode.CARD_TIMING_SETTINGS, e.errorCode());
      assertTrue(e.getMessage().contains("'" + bad + "'"), e.getMessage());
    }
  }

  @Test
  void aQueueWithoutRoomOrWritersIsRefused() {
    FcdsException size =
        assertThrows(FcdsException.class, () -> CardTiming.of("before-report", 0, 2));
    FcdsException writers =
        assertThrows(FcdsException.class, () -> CardTiming.of("after-report", 10, 0));
    assertEquals(ErrorCode.CARD_TIMING_SETTINGS, size.errorCode());
    assertTrue(size.getMessage().contains("got 0 and 2"), size.getMessage());
    assertTrue(writers.getMessage().contains("got 10 and 0"), writers.getMessage());
  }
}
