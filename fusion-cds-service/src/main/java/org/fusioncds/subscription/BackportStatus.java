package org.fusioncds.subscription;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import java.util.ArrayList;
import java.util.List;
import org.fusioncds.error.ErrorCode;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Type;

/**
 * A notification of the R4 Subscriptions Backport IG 1.1.0 (§Notifications): a Bundle whose {@code
 * Parameters} entry is the SubscriptionStatus — its type, subscription, {@code
 * events-since-subscription-start} and the {@code notification-event}s' numbers and focus
 * references. Anything else is FCDS-1152.
 *
 * @param bundle the whole notification (full-resource payloads are its other entries)
 * @param subscription {@code Subscription/<id>}, without base or version
 * @param eventsSinceStart the count the server gives, else the events in this notification
 * @param firstEventNumber the lowest event number here (derived from the count when none is given)
 * @param foci the focus references of the events, in order
 */
public record BackportStatus(
    Bundle bundle,
    String type,
    String subscription,
    long eventsSinceStart,
    long firstEventNumber,
    List<String> foci) {

  /** Reads the notification's JSON; FCDS-1152 when it is not one. */
  public static BackportStatus read(FhirContext fhir, String json) {
    Bundle bundle = parse(fhir, json);
    Parameters status = status(bundle);
    List<Parameters.ParametersParameterComponent> events = events(status);
    long total = eventsSinceStart(status, events.size());
    List<String> foci = new ArrayList<>();
    for (Parameters.ParametersParameterComponent e : events) {
      if (part(e, "focus") instanceof Reference r && r.hasReference()) {
        foci.add(r.getReference());
      }
    }
    return new BackportStatus(
        bundle,
        type(status),
        subscription(status),
        total,
        firstEventNumber(events, total),
        List.copyOf(foci));
  }

  private static Bundle parse(FhirContext fhir, String text) {
    try {
      return fhir.newJsonParser().parseResource(Bundle.class, text);
    } catch (DataFormatException e) {
      throw new NotificationRefused(
          ErrorCode.SUBSCRIPTION_NOTIFICATION_INVALID,
          "the notification is not an R4 Bundle — " + e.getMessage());
    }
  }

  private static Parameters status(Bundle bundle) {
    for (Bundle.BundleEntryComponent e : bundle.getEntry()) {
      if (e.getResource() instanceof Parameters p && p.getParameter("type") != null) {
        return p;
      }
    }
    throw new NotificationRefused(
        ErrorCode.SUBSCRIPTION_NOTIFICATION_INVALID,
        "the notification has no SubscriptionStatus Parameters entry — "
            + bundle.getEntry().size()
            + " entries");
  }

  private static String type(Parameters status) {
    Type t = status.getParameter("type").getValue();
    if (t == null || !t.isPrimitive()) {
      throw new NotificationRefused(
          ErrorCode.SUBSCRIPTION_NOTIFICATION_INVALID, "the notification's type has no value");
    }
    return t.primitiveValue();
  }

  private static String subscription(Parameters status) {
    Parameters.ParametersParameterComponent s = status.getParameter("subscription");
    if (s == null || !(s.getValue() instanceof Reference r) || !r.hasReference()) {
      throw new NotificationRefused(
          ErrorCode.SUBSCRIPTION_NOTIFICATION_INVALID,
          "the notification names no subscription — parameter subscription");
    }
    String ref = r.getReference();
    int i = ref.indexOf("Subscription/");
    String id = i < 0 ? ref : ref.substring(i);
    int h = id.indexOf("/_history");
    return h < 0 ? id : id.substring(0, h);
  }

  private static List<Parameters.ParametersParameterComponent> events(Parameters status) {
    return status.getParameter().stream()
        .filter(p -> "notification-event".equals(p.getName()))
        .toList();
  }

  private static long eventsSinceStart(Parameters status, int count) {
    Parameters.ParametersParameterComponent p =
        status.getParameter("events-since-subscription-start");
    if (p == null || p.getValue() == null) {
      return count;
    }
    return number(p.getValue(), "events-since-subscription-start");
  }

  private static long firstEventNumber(
      List<Parameters.ParametersParameterComponent> events, long total) {
    long first = Long.MAX_VALUE;
    for (Parameters.ParametersParameterComponent e : events) {
      Type n = part(e, "event-number");
      if (n != null) {
        first = Math.min(first, number(n, "event-number"));
      }
    }
    return first == Long.MAX_VALUE ? total - events.size() + 1 : first;
  }

  private static long number(Type value, String name) {
    String s = value.isPrimitive() ? value.primitiveValue() : null;
    try {
      return Long.parseLong(s == null ? "" : s.strip());
    } catch (NumberFormatException e) {
      throw new NotificationRefused(
          ErrorCode.SUBSCRIPTION_NOTIFICATION_INVALID,
          "the notification's " + name + " is not a whole number — " + s);
    }
  }

  private static Type part(Parameters.ParametersParameterComponent p, String name) {
    return p.getPart().stream()
        .filter(x -> name.equals(x.getName()))
        .map(Parameters.ParametersParameterComponent::getValue)
        .findFirst()
        .orElse(null);
  }
}
