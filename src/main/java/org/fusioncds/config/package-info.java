/** Configuration: typed settings and the bean factories of the Camel application. */
package org.fusioncds.config;
