package org.fusioncds.sandbox;

import ca.uhn.fhir.batch2.jobs.config.Batch2JobsConfig;
import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.config.ThreadPoolFactoryConfig;
import ca.uhn.fhir.jpa.batch2.JpaBatch2Config;
import ca.uhn.fhir.jpa.config.HapiJpaConfig;
import ca.uhn.fhir.jpa.config.r4.JpaR4Config;
import ca.uhn.fhir.jpa.config.util.HapiEntityManagerFactoryUtil;
import ca.uhn.fhir.jpa.model.config.PartitionSettings;
import ca.uhn.fhir.jpa.model.dialect.HapiFhirH2Dialect;
import ca.uhn.fhir.jpa.subscription.channel.config.SubscriptionChannelConfig;
import jakarta.persistence.EntityManagerFactory;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.commons.dbcp2.BasicDataSource;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.orm.jpa.JpaTransactionManager;
import org.springframework.orm.jpa.LocalContainerEntityManagerFactoryBean;

/**
 * The Spring configuration of the sandbox HAPI FHIR JPA server (R4): HAPI's own configuration
 * classes, plus the storage settings, an H2 data source, the entity manager factory and the
 * transaction manager they expect. Built for an in-memory database that lives as long as the
 * server. FHIR R4 Subscriptions only when asked ({@link SandboxSubscriptionConfig}).
 */
@Configuration
@Import({
  JpaR4Config.class,
  HapiJpaConfig.class,
  JpaBatch2Config.class,
  Batch2JobsConfig.class,
  SubscriptionChannelConfig.class,
  ThreadPoolFactoryConfig.class
})
class SandboxFhirConfig {

  @Bean
  JpaStorageSettings storageSettings(SandboxFhirServer.Settings settings) {
    JpaStorageSettings s = new JpaStorageSettings();
    s.setSchedulingDisabled(true);
    s.setAutoCreatePlaceholderReferenceTargets(settings.placeholderReferenceTargets());
    s.setPopulateIdentifierInAutoCreatedPlaceholderReferenceTargets(
        settings.placeholderReferenceTargets());
    // ids it assigns are UUIDs, as many servers do; an audit repository can then hold
    // placeholders for the resources an AuditEvent names (HAPI refuses numeric client ids)
    s.setResourceServerIdStrategy(JpaStorageSettings.IdStrategyEnum.UUID);
    return s;
  }

  @Bean
  PartitionSettings partitionSettings() {
    return new PartitionSettings();
  }

  @Bean(destroyMethod = "close")
  BasicDataSource dataSource(SandboxFhirServer.Database database) {
    BasicDataSource ds = new BasicDataSource();
    ds.setDriverClassName("org.h2.Driver");
    ds.setUrl(database.jdbcUrl());
    ds.setUsername("sa");
    ds.setPassword("");
    return ds;
  }

  @Bean
  LocalContainerEntityManagerFactoryBean entityManagerFactory(
      ConfigurableListableBeanFactory beans,
      FhirContext fhirContext,
      JpaStorageSettings storageSettings,
      DataSource dataSource) {
    LocalContainerEntityManagerFactoryBean emf =
        HapiEntityManagerFactoryUtil.newEntityManagerFactory(beans, fhirContext, storageSettings);
    emf.setPersistenceUnitName("FCDS_SANDBOX_PU");
    emf.setDataSource(dataSource);
    emf.getJpaPropertyMap().putAll(hibernateProperties());
    return emf;
  }

  @Bean
  @Primary
  JpaTransactionManager transactionManager(EntityManagerFactory emf) {
    return new JpaTransactionManager(emf);
  }

  private static Map<String, Object> hibernateProperties() {
    return Map.of(
        "hibernate.dialect", HapiFhirH2Dialect.class.getName(),
        "hibernate.hbm2ddl.auto", "update",
        "hibernate.search.enabled", "false",
        "hibernate.show_sql", "false",
        "hibernate.format_sql", "false",
        "hibernate.cache.use_query_cache", "false",
        "hibernate.cache.use_second_level_cache", "false",
        "hibernate.cache.use_structured_entries", "false",
        "hibernate.cache.use_minimal_puts", "false");
  }
}
