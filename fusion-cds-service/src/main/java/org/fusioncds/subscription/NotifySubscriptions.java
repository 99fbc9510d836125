package org.fusioncds.subscription;

import java.util.List;
import org.fusioncds.model.ModelCard;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Subscription;

/**
 * The R4 Subscriptions (FHIR R4 §Subscription, criteria-based, rest-hook channel) that make the
 * FHIR server notify the module of what the model card reads: an ImagingStudy of one of its
 * modalities, an Observation with one of its LOINC codes. Delivered with the resource as payload
 * ({@code application/fhir+json}: the server PUTs it to {@code
 * {public-base-url}/subscriptions/notify/{type}/{id}}), with the shared secret in the header the
 * module checks.
 */
public final class NotifySubscriptions {

  /** The endpoint path under the module's public base URL. */
  public static final String PATH = "/subscriptions/notify";

  private static final String BACKPORT =
      "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/";

  private NotifySubscriptions() {}

  /** One Subscription for the card's studies, one for its labs (none when it reads no lab). */
  public static List<Subscription> forCard(
      ModelCard card,
      List<String> loincCodes,
      String publicBaseUrl,
      String secretHeader,
      String secret) {
    String endpoint = stripSlash(publicBaseUrl) + PATH;
    Subscription studies =
        subscription(
            studies(card),
            "New or updated studies for " + card.id(),
            endpoint,
            secretHeader,
            secret);
    if (loincCodes.isEmpty()) {
      return List.of(studies);
    }
    Subscription labs =
        subscription(labs(loincCodes), "New labs for " + card.id(), endpoint, secretHeader, secret);
    return List.of(studies, labs);
  }

  /**
   * The same two, topic-based (R4 Subscriptions Backport IG 1.1.0, profile {@code
   * backport-subscription}): each subscribes to a topic the FHIR server publishes (one for studies,
   * one for Observations), filtered to the card's modalities and LOINC codes ({@code
   * backport-filter-criteria}), full-resource payload; the server POSTs a {@code history} Bundle
   * whose first entry is the SubscriptionStatus (handshake, heartbeat, event-notification) to the
   * endpoint itself.
   *
   * @param studiesTopic the canonical URL of the server's "ImagingStudy created or updated" topic
   * @param labsTopic that of its "Observation created or updated" topic
   */
  public static List<Subscription> forTopics(
      ModelCard card,
      List<String> loincCodes,
      String studiesTopic,
      String labsTopic,
      String publicBaseUrl,
      String secretHeader,
      String secret) {
    String endpoint = stripSlash(publicBaseUrl) + PATH;
    List<Subscription> all = new java.util.ArrayList<>();
    all.add(
        topicBased(
            studiesTopic,
            studies(card),
            "New or updated studies for " + card.id(),
            endpoint,
            secretHeader,
            secret));
    if (!loincCodes.isEmpty()) {
      all.add(
          topicBased(
              labsTopic,
              labs(loincCodes),
              "New labs for " + card.id(),
              endpoint,
              secretHeader,
              secret));
    }
    return List.copyOf(all);
  }

  /** The card's studies as a search: its modalities. */
  private static String studies(ModelCard card) {
    return ModelInterest.of(card).studiesCriteria();
  }

  /** The card's labs as a search: its LOINC codes. */
  private static String labs(List<String> loincCodes) {
    return new ModelInterest("", "", List.of(), loincCodes).labsCriteria().orElseThrow();
  }

  private static Subscription topicBased(
      String topic, String filter, String reason, String endpoint, String header, String secret) {
    Subscription s = subscription(topic, reason, endpoint, header, secret);
    s.getMeta().addProfile(BACKPORT + "backport-subscription");
    s.getCriteriaElement()
        .addExtension(BACKPORT + "backport-filter-criteria", new StringType(filter));
    s.getChannel()
        .getPayloadElement()
        .addExtension(BACKPORT + "backport-payload-content", new CodeType("full-resource"));
    return s;
  }

  private static Subscription subscription(
      String criteria, String reason, String endpoint, String header, String secret) {
    Subscription s = new Subscription();
    s.setStatus(Subscription.SubscriptionStatus.REQUESTED);
    s.setReason(reason);
    s.setCriteria(criteria);
    s.getChannel()
        .setType(Subscription.SubscriptionChannelType.RESTHOOK)
        .setEndpoint(endpoint)
        .setPayload("application/fhir+json")
        .addHeader(header + ": " + secret);
    return s;
  }

  private static String stripSlash(String s) {
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }
}
