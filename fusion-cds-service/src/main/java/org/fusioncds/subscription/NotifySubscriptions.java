package org.fusioncds.subscription;

import java.util.List;
import org.fusioncds.model.ModelCard;
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
            "ImagingStudy?modality=" + String.join(",", card.study().modalities()),
            "New or updated studies for " + card.id(),
            endpoint,
            secretHeader,
            secret);
    if (loincCodes.isEmpty()) {
      return List.of(studies);
    }
    Subscription labs =
        subscription(
            "Observation?code="
                + String.join(",", loincCodes.stream().map(c -> "http://loinc.org|" + c).toList()),
            "New labs for " + card.id(),
            endpoint,
            secretHeader,
            secret);
    return List.of(studies, labs);
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
