"""File uploads over GraphQL (the multipart request spec): documents, an Upload, and waiting for a job."""

import json
import time
from dataclasses import dataclass

from tests.support.graphql_client import gql
from yibao.core.imports.background import wait_for_imports

IMPORT_ROSTER = """
mutation($file: Upload!, $source: String!, $asOf: Date!, $region: String) {
  importRoster(file: $file, source: $source, asOf: $asOf, regionCode: $region) {
    __typename
    ... on ImportJob { id kind status filename source asOf rowsTotal rowsDone }
    ... on InputErrors { errors { field code message } }
  }
}"""


IMPORT_JOB = """
query($id: ID!, $outcome: ImportOutcome, $after: String) {
  importJob(id: $id) {
    id kind status filename source asOf regionCode rowsTotal rowsDone imported unchanged refused
    createdAt finishedAt
    rows(outcome: $outcome, first: 2, after: $after) {
      nodes { rowNumber outcome field code reason idNumber }
      pageInfo { hasNextPage endCursor }
    }
  }
}"""


@dataclass(frozen=True)
class Upload:
    """A file variable of a GraphQL multipart request."""

    filename: str
    content: bytes
    content_type: str = "text/csv"


def post_multipart(client, query: str, variables: dict):
    """The GraphQL multipart request spec: `operations`, a `map` of file parts, the parts."""
    uploads = {name: value for name, value in variables.items() if isinstance(value, Upload)}
    operations = {
        "query": query,
        "variables": {name: None if name in uploads else value for name, value in variables.items()},
    }
    files = {str(i): (u.filename, u.content, u.content_type) for i, u in enumerate(uploads.values())}
    mapping = {str(i): [f"variables.{name}"] for i, name in enumerate(uploads)}
    response = client.post(
        "/graphql", data={"operations": json.dumps(operations), "map": json.dumps(mapping)}, files=files
    )
    wait_for_imports(timeout=60)  # a started import finishes before the test looks at the database
    return response


def until_done(client, job_id: str, **variables) -> dict:
    for _ in range(200):
        job = gql(client, IMPORT_JOB, id=job_id, **variables)["importJob"]
        if job["status"] == "DONE":
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} never finished: {job}")


IMPORT_PAYMENTS = """
mutation($file: Upload!, $policyId: String!, $regionCode: String!, $channel: String) {
  importPayments(file: $file, policyId: $policyId, regionCode: $regionCode, channel: $channel) {
    __typename
    ... on ImportJob { id kind status filename regionCode rowsTotal }
    ... on InputErrors { errors { field code message } }
  }
}"""


def upload(client, content: bytes, filename="低保花名册.csv", source="CIVIL_AFFAIRS", **more) -> dict:
    variables = {"file": Upload(filename, content), "source": source, "asOf": "2021-09-30"} | more
    response = post_multipart(client, IMPORT_ROSTER, variables)
    assert response.status_code == 200, response.text
    body = response.json()
    assert not body.get("errors"), body
    return body["data"]["importRoster"]
