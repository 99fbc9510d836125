package org.fusioncds.sandbox;

import ca.uhn.fhir.jpa.topic.R4SubscriptionTopicBuilder;
import java.util.List;
import org.hl7.fhir.r4.model.Basic;
import org.hl7.fhir.r4.model.Enumerations.PublicationStatus;

/**
 * The SubscriptionTopics a sandbox FHIR server that delivers Subscriptions publishes (R4
 * Subscriptions Backport IG 1.1.0: in R4 a topic is a {@code Basic} with code {@code
 * SubscriptionTopic}, loaded by HAPI's {@code R4SubscriptionTopicLoader}), as a hospital's FHIR
 * server publishes its own: what a client may subscribe to. Two are enough for the model cards: a
 * study created or updated (filter by modality or patient), an Observation created or updated
 * (filter by code or patient).
 */
public final class SandboxTopics {

  /** ImagingStudy created or updated. */
  public static final String STUDIES = "http://fusion-cds.org/fhir/SubscriptionTopic/imaging-study";

  /** Observation created or updated. */
  public static final String OBSERVATIONS =
      "http://fusion-cds.org/fhir/SubscriptionTopic/observation";

  private SandboxTopics() {}

  /** Both topics, as the Basic resources the server stores. */
  public static List<Basic> all() {
    return List.of(
        topic("imaging-study", STUDIES, "ImagingStudy", List.of("modality", "patient")),
        topic("observation", OBSERVATIONS, "Observation", List.of("code", "patient")));
  }

  private static Basic topic(String id, String url, String resource, List<String> filters) {
    R4SubscriptionTopicBuilder b =
        new R4SubscriptionTopicBuilder()
            .setId(id)
            .setUrl(url)
            .setVersion("1")
            .setName(id)
            .setTitle(resource + " created or updated")
            .setDescription("A " + resource + " was created or updated")
            .setStatus(PublicationStatus.ACTIVE)
            .addResourceTrigger()
            .setResourceTriggerDescription(resource + " created or updated")
            .setResourceTriggerResource(resource)
            .addResourceTriggerSupportedInteraction("create")
            .addResourceTriggerSupportedInteraction("update");
    for (String f : filters) {
      b.addCanFilterBy().setCanFilterByResource(resource).setCanFilterByParameter(f);
    }
    return b.addNotificationShape().setNotificationShapeResource(resource).build();
  }
}
