package dev.sluice.api;

import dev.sluice.connectors.file.FileSinkManifest;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/** Reads what a file sink committed (only files listed in its manifest), line by line. */
final class FileSinkContents {
    private FileSinkContents() {
    }

    static List<String> committedLines(String dir) throws IOException {
        List<String> lines = new ArrayList<>();
        for (org.apache.hadoop.fs.Path file : FileSinkManifest.committedFiles(dir)) {
            lines.addAll(Files.readAllLines(java.nio.file.Path.of(file.toUri())));
        }
        return lines;
    }
}
