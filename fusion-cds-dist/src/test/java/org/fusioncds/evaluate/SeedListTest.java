package org.fusioncds.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Set;
import org.fusioncds.error.FcdsException;
import org.junit.jupiter.api.Test;

class SeedListTest {

  private static final Set<Long> RESERVED = Set.of(101L, 202L);

  @Test
  void aCountTakesConsecutiveSeedsSteppingOverTrainingSeeds() {
    assertEquals(List.of(401L, 402L, 403L), SeedList.parse("3", 401, RESERVED));
    assertEquals(List.of(100L, 102L, 103L), SeedList.parse("3", 100, RESERVED));
  }

  @Test
  void aListIsTakenInItsOrder() {
    assertEquals(List.of(405L, 401L), SeedList.parse("405, 401", 1, RESERVED));
  }

  @Test
  void aSeedTheModelWasTrainedOnIsRefused() {
    FcdsException e =
        assertThrows(FcdsException.class, () -> SeedList.parse("401,202", 1, RESERVED));

    assertEquals(
        "FCDS-8600: seed 202 generated a cohort the model was trained or validated on (reserved:"
            + " [101, 202]) — 202",
        e.getMessage().replace("[202, 101]", "[101, 202]"));
  }

  @Test
  void countsOutOfRangeAndWordsAreRefused() {
    for (String bad : new String[] {"0", "101", "ten", "401,,402", "401,401"}) {
      FcdsException e = assertThrows(FcdsException.class, () -> SeedList.parse(bad, 1, RESERVED));
      assertEquals("FCDS-8601", e.getMessage().substring(0, 9), bad + ": " + e.getMessage());
    }
  }
}
