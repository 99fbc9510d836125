package org.fusioncds.audit;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.regex.Pattern;
import org.fusioncds.error.ErrorCode;

/**
 * What the compliance query selects; every part is optional (null: no restriction). Times bound
 * {@code DiagnosticReport.issued}, both ends inclusive.
 *
 * @param patientId the Patient's logical id ({@code Patient/} is accepted and dropped)
 * @param modelId the model id ({@code Device.modelNumber}), for example {@code cap-fusion}
 * @param from issued at or after
 * @param to issued at or before
 * @param caller the calling EHR's issuer ({@code iss}), its client id, or the user reference (for
 *     example {@code Practitioner/123})
 */
public record ComplianceFilter(
    String patientId, String modelId, Instant from, Instant to, String caller) {

  private static final Pattern YEAR = Pattern.compile("\\d{4}");
  private static final Pattern YEAR_MONTH = Pattern.compile("\\d{4}-\\d{2}");
  private static final Pattern DATE = Pattern.compile("\\d{4}-\\d{2}-\\d{2}");
  private static final Pattern DATE_TIME =
      Pattern.compile(
          "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})");
  private static final Pattern PATIENT_ID = Pattern.compile("[A-Za-z0-9\\-.]{1,64}");

  public ComplianceFilter {
    patientId = blankToNull(patientId);
    if (patientId != null && patientId.startsWith("Patient/")) {
      patientId = patientId.substring("Patient/".length());
    }
    modelId = blankToNull(modelId);
    caller = blankToNull(caller);
    if (from != null && to != null && from.isAfter(to)) {
      throw new BadParameter(
          ErrorCode.COMPLIANCE_PARAMETER, "from is after to — from=" + from + ", to=" + to);
    }
  }

  /** No restriction: every AI report. */
  public static ComplianceFilter all() {
    return new ComplianceFilter(null, null, null, null, null);
  }

  /**
   * Parses the strings of a query or command line (null or blank: absent). {@code from} and {@code
   * to} are FHIR R4 {@code dateTime} values: a full date-time with a time zone, or a year, month or
   * date, read in UTC; a partial {@code from} means its first instant, a partial {@code to} its
   * last (so {@code to=2026-11-20} includes that whole day). FCDS-7091 names a bad parameter.
   */
  public static ComplianceFilter parse(
      String patient, String model, String from, String to, String caller) {
    String p = blankToNull(patient);
    if (p != null && !PATIENT_ID.matcher(p.replaceFirst("^Patient/", "")).matches()) {
      throw new BadParameter(ErrorCode.COMPLIANCE_PARAMETER, "patient is not a FHIR id — " + p);
    }
    return new ComplianceFilter(
        p, model, instant("from", from, false), instant("to", to, true), caller);
  }

  /** The first (or, with {@code end}, the last) instant a FHIR dateTime value covers. */
  static Instant instant(String parameter, String value, boolean end) {
    String v = blankToNull(value);
    if (v == null) {
      return null;
    }
    try {
      if (DATE_TIME.matcher(v).matches()) {
        return OffsetDateTime.parse(v).toInstant();
      }
      LocalDate first = partialDate(v);
      if (first != null) {
        LocalDate next = nextPeriod(v, first);
        return end
            ? next.atStartOfDay(ZoneOffset.UTC).toInstant().minusMillis(1)
            : first.atStartOfDay(ZoneOffset.UTC).toInstant();
      }
    } catch (DateTimeException e) {
      // a well-shaped but impossible value (month 13, 31 February, hour 25): refused below
    }
    throw new BadParameter(
        ErrorCode.COMPLIANCE_PARAMETER,
        parameter
            + " is not a FHIR dateTime (YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm:ss with a"
            + " time zone) — "
            + v);
  }

  private static LocalDate partialDate(String v) {
    if (DATE.matcher(v).matches()) {
      return LocalDate.parse(v);
    }
    if (YEAR_MONTH.matcher(v).matches()) {
      return YearMonth.parse(v).atDay(1);
    }
    if (YEAR.matcher(v).matches()) {
      return Year.parse(v).atDay(1);
    }
    return null;
  }

  private static LocalDate nextPeriod(String v, LocalDate first) {
    return switch (v.length()) {
      case 4 -> first.plusYears(1);
      case 7 -> first.plusMonths(1);
      default -> first.plusDays(1);
    };
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }
}
