package org.fusioncds.sandbox;

import ca.uhn.fhir.jpa.model.config.SubscriptionSettings;
import ca.uhn.fhir.jpa.subscription.config.SubscriptionConfig;
import ca.uhn.fhir.jpa.subscription.match.config.SubscriptionProcessorConfig;
import ca.uhn.fhir.jpa.subscription.match.deliver.email.IEmailSender;
import ca.uhn.fhir.jpa.subscription.submit.config.SubscriptionSubmitterConfig;
import ca.uhn.fhir.jpa.topic.SubscriptionTopicConfig;
import org.hl7.fhir.dstu2.model.Subscription;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * FHIR R4 Subscriptions with the rest-hook channel for a sandbox server that asks for them ({@link
 * SandboxFhirServer.Settings#withSubscriptions()}): matching and delivery in this process, HAPI's
 * subscription configuration classes; with scheduling off, {@link
 * SandboxFhirServer#refreshSubscriptions()} loads the active ones. Off by default: HAPI's
 * subscription channels outlive a closed server in the same JVM, and a write to a server started
 * after one was closed then failed with HAPI-2659 (a closed MultiplexingListener).
 */
@Configuration
@Import({
  SubscriptionConfig.class,
  SubscriptionSubmitterConfig.class,
  SubscriptionProcessorConfig.class,
  SubscriptionTopicConfig.class
})
class SandboxSubscriptionConfig {

  /** R4 Subscriptions with the rest-hook channel (the module's {@code /subscriptions/notify}). */
  @Bean
  SubscriptionSettings subscriptionSettings() {
    SubscriptionSettings s = new SubscriptionSettings();
    s.addSupportedSubscriptionType(Subscription.SubscriptionChannelType.RESTHOOK);
    return s;
  }

  /** HAPI's delivery wants a mail sender; the sandbox offers rest-hook only, never mail. */
  @Bean
  IEmailSender emailSender() {
    return details -> {
      throw new IllegalStateException("the sandbox FHIR server delivers no email subscription");
    };
  }
}
