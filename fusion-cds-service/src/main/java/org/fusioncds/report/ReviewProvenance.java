package org.fusioncds.report;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Date;
import org.fusioncds.flow.Profiles;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;

/**
 * A clinician's feedback on a result card as a Provenance (profile {@code ai-review-provenance}):
 * target the report the card showed, at the version read when the feedback came; one agent of type
 * {@code provenance-participant-type#verifier} (as AI Transparency on FHIR's example of an AI
 * result "verified by a human"), who = the clinician; activity the CDS Hooks 2.0.1 outcome ({@code
 * accepted}, {@code overridden}) coded; reason the override reason the card offered. No free text
 * of the clinician's ({@code userComment} stays in the feedback store). Its id is derived from the
 * card uuid, the outcome and its timestamp, and its content from the feedback only, so the same
 * feedback posted twice is one resource at one version.
 */
public final class ReviewProvenance {

  private static final String PARTICIPANT =
      "http://terminology.hl7.org/CodeSystem/provenance-participant-type";

  private ReviewProvenance() {}

  /**
   * The clinician who gave the feedback: a FHIR reference ({@code Practitioner/123}, the hook's
   * {@code userId} or the SMART {@code fhirUser}), else an identifier (the authorization server and
   * the user's subject there).
   */
  public record Reviewer(String reference, String system, String value) {

    public static Reviewer of(String reference) {
      return new Reviewer(reference, null, null);
    }

    Reference toReference() {
      if (reference != null) {
        return new Reference(reference);
      }
      return new Reference().setIdentifier(new Identifier().setSystem(system).setValue(value));
    }
  }

  /**
   * One feedback item as stored ({@code cdshooks.FeedbackStore}).
   *
   * @param card the card's uuid
   * @param outcome {@code accepted} or {@code overridden}
   * @param outcomeTimestamp ISO 8601 with offset
   * @param resultKey the result key of the report the card showed
   * @param reportUrl the report's URL as the card linked it ({@code <base>/DiagnosticReport/<id>})
   * @param reviewer who gave it (null: not known)
   * @param reason the override reason (system, code, display), or null
   */
  public record Feedback(
      String card,
      String outcome,
      String outcomeTimestamp,
      String resultKey,
      String reportUrl,
      Reviewer reviewer,
      Coding reason) {}

  /** The Provenance's id: {@code fcds-review-} + the first 40 hex of SHA-256(card|outcome|time). */
  public static String id(Feedback f) {
    String h =
        ModelCardDocument.sha256(
            (f.card() + "|" + f.outcome() + "|" + f.outcomeTimestamp())
                .getBytes(StandardCharsets.UTF_8));
    return "fcds-review-" + h.substring(0, 40);
  }

  /** The review of {@code reportVersion} ({@code DiagnosticReport/<id>/_history/<v>}). */
  public static Provenance of(Feedback f, String reportVersion) {
    Provenance p = new Provenance();
    p.setId(id(f));
    p.getMeta().addProfile(Profiles.PROFILE_REVIEW);
    p.addTarget(new Reference(reportVersion));
    Date at = Date.from(OffsetDateTime.parse(f.outcomeTimestamp()).toInstant());
    p.setOccurred(new DateTimeType(at, ca.uhn.fhir.model.api.TemporalPrecisionEnum.MILLI));
    // recorded: when the EHR recorded the clinician's act (the feedback's outcomeTimestamp), so a
    // resent feedback writes the same content
    p.setRecordedElement(new InstantType(at));
    boolean accepted = "accepted".equals(f.outcome());
    p.setActivity(
        new CodeableConcept(
                new Coding(
                    Profiles.CS_FEEDBACK_OUTCOME,
                    f.outcome(),
                    accepted ? "Accepted" : "Overridden"))
            .setText(
                accepted
                    ? "the clinician accepted the AI card and its report"
                    : "the clinician overrode the AI card and its report"));
    Provenance.ProvenanceAgentComponent agent = p.addAgent();
    agent.setType(new CodeableConcept(new Coding(PARTICIPANT, "verifier", "Verifier")));
    agent.setWho(
        f.reviewer() == null
            ? new Reference().setDisplay("the clinician who answered the card (not named)")
            : f.reviewer().toReference());
    if (f.reason() != null) {
      p.addReason(new CodeableConcept(f.reason()).setText(f.reason().getDisplay()));
    }
    return p;
  }
}
