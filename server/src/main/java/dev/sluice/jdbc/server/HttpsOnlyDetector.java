package dev.sluice.jdbc.server;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.OptionalSslConnectionFactory;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;

/**
 * First on the HTTPS connector: passes TLS on, and answers anything else (a client that forgot
 * {@code ssl=true}) with "400: this server speaks HTTPS only" instead of closing the connection without a
 * word, which Avatica's HTTP client takes for a lost response and retries without end. Jetty's own
 * {@link OptionalSslConnectionFactory} answers only a {@code GET} so; Avatica sends {@code POST}s.
 */
final class HttpsOnlyDetector extends OptionalSslConnectionFactory {
    private static final byte[] BODY = "This Sluice server speaks HTTPS only: connect with ssl=true\n"
            .getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HEAD = ("HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: "
            + BODY.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

    HttpsOnlyDetector(SslConnectionFactory tls) {
        super(tls, null);
    }

    @Override
    protected void otherProtocol(ByteBuffer buffer, EndPoint endPoint) {
        endPoint.write(Callback.from(endPoint::close, failure -> endPoint.close()), ByteBuffer.wrap(HEAD),
                ByteBuffer.wrap(BODY));
    }
}
