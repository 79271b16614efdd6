"""uvicorn's HTTP protocol with the Italian 400 of the API: a request uvicorn cannot parse (a bad
Content-Length, a malformed header line, garbage) never reaches the app, and uvicorn's own reply
is an English line of plain text. This one says it in Italian, as JSON, like every other error."""

from __future__ import annotations

import json

from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

MALFORMED = "Richiesta HTTP non valida (intestazioni o corpo malformati)."


class ItalianHttpTools(HttpToolsProtocol):
    def send_400_response(self, msg: str) -> None:
        body = json.dumps({"detail": MALFORMED}, ensure_ascii=False).encode()
        content = [STATUS_LINE[400]]
        for name, value in self.server_state.default_headers:
            content.extend([name, b": ", value, b"\r\n"])
        content += [
            b"content-type: application/json\r\n",
            b"content-length: " + str(len(body)).encode("ascii") + b"\r\n",
            b"connection: close\r\n",
            b"\r\n",
            body,
        ]
        self.transport.write(b"".join(content))
        self.transport.close()
