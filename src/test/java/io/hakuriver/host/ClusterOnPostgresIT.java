package io.hakuriver.host;

import io.hakuriver.testsupport.OnPostgres;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every test of {@link ClusterIT} again, with the Host's state in a real PostgreSQL. */
@ExtendWith(OnPostgres.class)
class ClusterOnPostgresIT extends ClusterIT {}
