package org.fusioncds.fhir;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.hl7.fhir.r4.model.Condition;
import org.junit.jupiter.api.Test;

/** A job evaluated as of a past time reads the problem list as it was recorded by then. */
class ConditionsAsOfTest {

  private static final Instant AS_OF = Instant.parse("2026-03-14T10:00:00Z");

  private static Condition recorded(String id, String when) {
    Condition c = new Condition();
    c.setId(id);
    if (when != null) {
      c.setRecordedDate(Date.from(Instant.parse(when)));
    }
    return c;
  }

  @Test
  void aConditionRecordedAfterTheTimeIsLeftOutOneWithoutARecordedDateIsKept() {
    List<Condition> all =
        List.of(
            recorded("before", "2026-03-01T00:00:00Z"),
            recorded("at", "2026-03-14T10:00:00Z"),
            recorded("after", "2026-03-14T10:00:01Z"),
            recorded("unknown", null));

    List<String> kept =
        GatherStep.recordedBy(all, AS_OF).stream().map(c -> c.getIdElement().getIdPart()).toList();

    assertEquals(List.of("before", "at", "unknown"), kept);
  }
}
