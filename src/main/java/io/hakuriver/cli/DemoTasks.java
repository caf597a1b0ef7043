package io.hakuriver.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.hakuriver.client.HostClient;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Stopping the demo: its unfinished tasks are killed through the Host, so none is left orphaned under PID 1. */
final class DemoTasks {
    private static final Set<String> UNFINISHED = Set.of("pending", "assigning", "running", "paused");

    private DemoTasks() {}

    static void killUnfinished(HostClient client, PrintStream out) {
        try {
            List<String> ids = new ArrayList<>();
            for (JsonNode t : client.get("/tasks?limit=1000")) {
                if (UNFINISHED.contains(t.path("status").asText())) ids.add(t.path("task_id").asText());
            }
            if (ids.isEmpty()) return;
            out.println("Killing the demo's " + ids.size() + " unfinished task" + (ids.size() == 1 ? "" : "s") + ": " + String.join(" ", ids));
            for (String id : ids) client.post("/kill/" + id, null);
            long until = System.currentTimeMillis() + 10_000;
            while (System.currentTimeMillis() < until) {
                boolean any = false;
                for (String id : ids) any |= UNFINISHED.contains(client.get("/status/" + id).path("status").asText());
                if (!any) return;
                Thread.sleep(200);
            }
            out.println("Some tasks did not confirm the kill in 10 s; check with: ps -ef | grep -v grep | grep HAKURIVER");
        } catch (Exception e) {
            out.println("Could not kill the demo's tasks (" + e.getMessage() + "): look for them with ps and kill them yourself.");
        }
    }
}
