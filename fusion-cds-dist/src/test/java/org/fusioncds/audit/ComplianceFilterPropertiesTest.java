package org.fusioncds.audit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.fusioncds.error.ErrorCode;

/**
 * The {@code /admin/audit} query parameters fuzzed at the parser ({@link ComplianceFilter#parse}),
 * the step that turns them into a query: any strings give a filter or a {@link BadParameter} with
 * FCDS-7091 (400), never another exception. (Over HTTP the route needs a Keycloak token with role
 * auditor; SecurityIT covers that path with fixed cases.)
 */
class ComplianceFilterPropertiesTest {

  @Provide
  Arbitrary<String> parameter() {
    return Arbitraries.oneOf(
        Arbitraries.strings().all().ofMaxLength(40),
        Arbitraries.strings().withChars("0123456789-T:.Z+").ofMaxLength(30),
        Arbitraries.of(
            "",
            " ",
            "2026",
            "2026-13",
            "2026-02-30",
            "2026-11-20T25:00:00Z",
            "2026-11-20T10:00:00+25:00",
            "Patient/",
            "Patient/../x",
            "9999-12-31",
            "0000"),
        Arbitraries.strings().alpha().ofMinLength(1000).ofMaxLength(5000));
  }

  @Property(tries = 2000, seed = org.fusioncds.testing.FuzzFigures.SEED) // reproducible in CI
  void anyParametersGiveAFilterOrAnFcds7091(
      @ForAll("parameter") String patient,
      @ForAll("parameter") String model,
      @ForAll("parameter") String from,
      @ForAll("parameter") String to,
      @ForAll("parameter") String caller) {
    try {
      ComplianceFilter f = ComplianceFilter.parse(patient, model, from, to, caller);

      assertNotNull(f);
      assertTrue(f.from() == null || f.to() == null || !f.from().isAfter(f.to()));
      assertTrue(f.patientId() == null || f.patientId().matches("[A-Za-z0-9\\-.]{1,64}"));
    } catch (BadParameter e) {
      assertTrue(e.errorCode() == ErrorCode.COMPLIANCE_PARAMETER, e.getMessage());
      assertTrue(e.httpStatus() == 400);
      assertFalse(e.getMessage().contains("java."), e.getMessage());
    }
  }
}
