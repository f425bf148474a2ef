/** {@code sluice server}: Sluice behind Avatica's JDBC wire protocol, for {@code jdbc:sluice://host:port}. */
package dev.sluice.server;
