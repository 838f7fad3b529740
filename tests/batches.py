"""Background jobs in tests: the queue runs in immediate mode (TESTING), so the POST that starts
a job builds its file before it answers; these helpers follow it like a coordinator would."""

import re

JOB_URL = re.compile(r"/zadania-w-tle/(\d+)$")


def start(client, path, data=None):
    """POST the start form; (job id, the job's page text)."""
    response = client.post(path, data=data or {})
    assert response.status_code == 303, response.status_code
    job_id = int(JOB_URL.search(response.headers["Location"]).group(1))
    return job_id, client.get(f"/zadania-w-tle/{job_id}").get_data(as_text=True)


def job_file(client, path, data=None):
    """Start the job and download its file (the response)."""
    job_id, page = start(client, path, data)
    assert "Pobierz" in page, page
    response = client.get(f"/zadania-w-tle/{job_id}/plik")
    assert response.status_code == 200
    return response
