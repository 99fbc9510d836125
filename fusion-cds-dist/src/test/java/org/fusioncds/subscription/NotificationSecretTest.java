package org.fusioncds.subscription;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.fusioncds.error.FcdsException;
import org.fusioncds.security.BearerRoutePolicy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The shared secret of subscription notifications, checked before the route runs. */
class NotificationSecretTest {

  private static final String HEADER = "X-Fcds-Subscription-Secret";
  private final CamelContext camel = new DefaultCamelContext();

  @AfterEach
  void close() throws Exception {
    camel.close();
  }

  private Exchange notification(String secret) {
    Exchange e = new DefaultExchange(camel);
    if (secret != null) {
      e.getMessage().setHeader(HEADER, secret);
    }
    return e;
  }

  @Test
  void theRightSecretPassesAndLeavesTheMessage() {
    Exchange e = notification("s3cret");

    new NotificationSecret(HEADER, "s3cret").onExchangeBegin(null, e);

    assertFalse(e.isRouteStop());
    assertNull(e.getProperty(BearerRoutePolicy.FAILURE));
    assertNull(e.getMessage().getHeader(HEADER), "the secret does not travel further");
  }

  @Test
  void aWrongOrMissingSecretIsRefusedWith401AndFcds1151() {
    for (String given : new String[] {"s3cret!", "s3cre", "", null}) {
      Exchange e = notification(given);

      new NotificationSecret(HEADER, "s3cret").onExchangeBegin(null, e);

      assertTrue(e.isRouteStop(), "refused: " + given);
      assertEquals(401, e.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE));
      FcdsException f = e.getProperty(BearerRoutePolicy.FAILURE, FcdsException.class);
      assertEquals(1151, f.code(), "audited as a refused authentication");
      String body = e.getMessage().getBody(String.class);
      assertTrue(body.contains("OperationOutcome") && body.contains("FCDS-1151"), body);
      assertFalse(body.contains("s3cret"), "the answer never quotes a secret: " + body);
    }
  }

  @Test
  void withoutAConfiguredSecretEveryNotificationIsRefusedWithFcds1150() {
    Exchange e = notification("anything");

    new NotificationSecret(HEADER, " ").onExchangeBegin(null, e);

    assertTrue(e.isRouteStop());
    assertEquals(401, e.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE));
    assertEquals(1150, e.getProperty(BearerRoutePolicy.FAILURE, FcdsException.class).code());
  }
}
