package org.fusioncds.cdshooks;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * A CDS Hooks 2.0.1 card (§Card Attributes), as sent on the wire; {@code overrideReasons} (the
 * model card's) are what the EHR offers a clinician who does not follow it.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Card(
    String uuid,
    String summary,
    String detail,
    String indicator,
    Source source,
    List<Link> links,
    List<Coding> overrideReasons) {

  public Card {
    if (summary.length() > 140) {
      throw new IllegalArgumentException("card summary over 140 characters: " + summary.length());
    }
    if (!List.of("info", "warning", "critical").contains(indicator)) {
      throw new IllegalArgumentException(
          "card indicator must be info, warning or critical: " + indicator);
    }
    links = links == null ? List.of() : List.copyOf(links);
    overrideReasons = overrideReasons == null ? List.of() : List.copyOf(overrideReasons);
  }

  /** A card that offers no override reasons. */
  public Card(
      String uuid,
      String summary,
      String detail,
      String indicator,
      Source source,
      List<Link> links) {
    this(uuid, summary, detail, indicator, source, links, List.of());
  }

  /** The same card with another detail. */
  public Card withDetail(String newDetail) {
    return new Card(uuid, summary, newDetail, indicator, source, links, overrideReasons);
  }

  /** Who produced the card: the model, its version, and a link to its model card. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Source(String label, String url, Coding topic) {}

  /**
   * A link shown on the card: type {@code absolute}, or {@code smart} (a SMART app's launch URL,
   * with the {@code appContext} the EHR passes to the app in its launch context).
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Link(String label, String url, String type, String appContext) {

    /** A link without appContext. */
    public Link(String label, String url, String type) {
      this(label, url, type, null);
    }
  }

  /** A code as CDS Hooks carries it. */
  public record Coding(String system, String code, String display) {}
}
