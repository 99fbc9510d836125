/**
 * Configuration: typed settings and the bean factories of the Camel application.
 *
 * <p>Error codes ({@link org.fusioncds.error.ErrorCode}; code, HTTP status, meaning):
 *
 * <ul>
 *   <li>FCDS-9001 (500) the application did not start
 *   <li>FCDS-9010 (500) the feedback folder is unusable
 *   <li>FCDS-9011 (500) the dead-letter folder is unusable, or a dead letter could not be written
 *       to it
 *   <li>FCDS-9012 (500) the dead-letter file is unreadable
 *   <li>FCDS-9020 (500) a cds.recall.feed setting is out of range
 * </ul>
 */
package org.fusioncds.config;
