/// The API's OpenAPI 3.1 description, served at `/openapi.json`. Keep it true to `Routes`.
enum OpenAPIDocument {
    static let json = #"""
        {
          "openapi": "3.1.0",
          "info": {"title": "Vigil", "version": "1", "description": "Identify, track and remove CSAM: hashing and hash-bank matching. Every /v1 endpoint needs an API key (Authorization: Bearer <key>) with the scope named in its description."},
          "servers": [{"url": "/"}],
          "security": [{"apiKey": []}],
          "components": {
            "securitySchemes": {"apiKey": {"type": "http", "scheme": "bearer"}},
            "schemas": {
              "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}}},
              "Hex": {"type": "string", "pattern": "^[0-9a-fA-F]+$"},
              "Match": {"type": "object", "required": ["bank", "entry", "kind", "distance", "variant", "negative", "suppressed"], "properties": {
                "bank": {"type": "string"}, "entry": {"type": "integer"}, "label": {"type": ["string", "null"]}, "category": {"type": ["string", "null"]},
                "hash": {"type": "string"}, "kind": {"type": "string", "enum": ["pdq", "md5", "sha1", "sha256"]}, "distance": {"type": "integer", "minimum": 0},
                "variant": {"type": "string"}, "negative": {"type": "boolean"}, "suppressed": {"type": "boolean"}}},
              "HashRecord": {"type": "object", "required": ["path", "format", "width", "height", "md5", "sha1", "sha256", "pdq", "quality", "error"], "properties": {
                "path": {"type": "string"}, "format": {"type": ["string", "null"]}, "width": {"type": ["integer", "null"]}, "height": {"type": ["integer", "null"]},
                "md5": {"type": ["string", "null"]}, "sha1": {"type": ["string", "null"]}, "sha256": {"type": ["string", "null"]}, "pdq": {"type": ["string", "null"]},
                "quality": {"type": ["integer", "null"]}, "pdq_dihedral": {"type": "array", "items": {"type": "string"}}, "error": {"type": ["string", "null"]}}},
              "Bank": {"type": "object", "required": ["name", "negative", "threshold", "entries", "version", "created_at", "updated_at"], "properties": {
                "name": {"type": "string"}, "source": {"type": ["string", "null"]}, "category": {"type": ["string", "null"]}, "negative": {"type": "boolean"},
                "threshold": {"type": "integer"}, "entries": {"type": "integer"}, "version": {"type": "integer"}, "created_at": {"type": "string"}, "updated_at": {"type": "string"}}}
            },
            "responses": {
              "Error": {"description": "An error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
            }
          },
          "paths": {
            "/healthz": {"get": {"security": [], "summary": "Liveness", "responses": {"200": {"description": "alive", "content": {"application/json": {"schema": {"type": "object"}}}}}}},
            "/readyz": {"get": {"security": [], "summary": "Readiness (database reachable)", "responses": {"200": {"description": "ready", "content": {"application/json": {"schema": {"type": "object"}}}}, "503": {"$ref": "#/components/responses/Error"}}}},
            "/v1/hash": {"post": {"summary": "Hash media (scope scan): PDQ, quality, MD5, SHA-1, SHA-256", "parameters": [{"name": "dihedral", "in": "query", "schema": {"type": "string", "enum": ["true", "false"]}}],
              "requestBody": {"required": true, "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}, "image/*": {"schema": {"type": "string", "format": "binary"}}}},
              "responses": {"200": {"description": "hashes", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HashRecord"}}}},
                "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"},
                "413": {"$ref": "#/components/responses/Error"}, "415": {"$ref": "#/components/responses/Error"}, "422": {"$ref": "#/components/responses/Error"}}}},
            "/v1/scan": {"post": {"summary": "Hash media and match it against every bank (scope scan); verdict block when a positive, unsuppressed match exists",
              "requestBody": {"required": true, "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}, "image/*": {"schema": {"type": "string", "format": "binary"}}}},
              "responses": {"200": {"description": "verdict", "content": {"application/json": {"schema": {"type": "object", "required": ["id", "verdict", "signals", "matches", "hashes"], "properties": {
                  "id": {"type": "string"}, "verdict": {"type": "string", "enum": ["block", "review", "allow"]}, "signals": {"type": "array"},
                  "matches": {"type": "array", "items": {"$ref": "#/components/schemas/Match"}}, "hashes": {"type": "object"}}}}}},
                "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"},
                "413": {"$ref": "#/components/responses/Error"}, "415": {"$ref": "#/components/responses/Error"}, "422": {"$ref": "#/components/responses/Error"}}}},
            "/v1/lookup": {"post": {"summary": "Match hashes computed by the caller (scope lookup); labels only for keys with banks:read",
              "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object",
                "anyOf": [{"required": ["pdq"]}, {"required": ["md5"]}, {"required": ["sha1"]}, {"required": ["sha256"]}], "properties": {
                "pdq": {"type": ["string", "null"]}, "quality": {"type": ["integer", "null"], "minimum": 0, "maximum": 100}, "dihedral": {"type": ["array", "null"], "items": {"type": "string"}, "minItems": 8, "maxItems": 8},
                "md5": {"type": ["string", "null"]}, "sha1": {"type": ["string", "null"]}, "sha256": {"type": ["string", "null"]}}}}}},
              "responses": {"200": {"description": "matches", "content": {"application/json": {"schema": {"type": "object", "required": ["matches"], "properties": {"matches": {"type": "array", "items": {"$ref": "#/components/schemas/Match"}}}}}}},
                "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"},
                "413": {"$ref": "#/components/responses/Error"}, "415": {"$ref": "#/components/responses/Error"}}}},
            "/v1/banks": {
              "get": {"summary": "List banks (scope banks:read)", "responses": {"200": {"description": "banks", "content": {"application/json": {"schema": {"type": "object", "properties": {"banks": {"type": "array", "items": {"$ref": "#/components/schemas/Bank"}}}}}}},
                "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}}},
              "post": {"summary": "Create a bank (scope banks:write)", "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["name"], "properties": {
                  "name": {"type": "string", "minLength": 1, "maxLength": 200}, "source": {"type": ["string", "null"]}, "category": {"type": ["string", "null"]}, "negative": {"type": ["boolean", "null"]}, "threshold": {"type": ["integer", "null"], "minimum": 0, "maximum": 256}}}}}},
                "responses": {"201": {"description": "created", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Bank"}}}},
                  "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "409": {"$ref": "#/components/responses/Error"}, "415": {"$ref": "#/components/responses/Error"}}}},
            "/v1/banks/{name}": {
              "parameters": [{"name": "name", "in": "path", "required": true, "schema": {"type": "string"}}],
              "get": {"summary": "A bank (scope banks:read)", "responses": {"200": {"description": "bank", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Bank"}}}},
                "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}},
              "delete": {"summary": "Delete a bank and its entries (scope banks:write)", "responses": {"204": {"description": "deleted"},
                "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}}},
            "/v1/banks/{name}/entries": {
              "parameters": [{"name": "name", "in": "path", "required": true, "schema": {"type": "string"}}],
              "get": {"summary": "Page through a bank's entries (scope banks:read)", "parameters": [
                  {"name": "after", "in": "query", "schema": {"type": "integer", "minimum": 0}}, {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 10000}}],
                "responses": {"200": {"description": "entries", "content": {"application/json": {"schema": {"type": "object", "properties": {"entries": {"type": "array"}, "next_after": {"type": ["integer", "null"]}}}}}},
                  "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}},
              "post": {"summary": "Add or remove entries (scope banks:write)", "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["entries"], "properties": {
                  "entries": {"type": "array", "maxItems": 100000, "items": {"type": "object", "required": ["kind", "hash"], "properties": {
                    "kind": {"type": "string", "enum": ["pdq", "md5", "sha1", "sha256"]}, "hash": {"type": "string"}, "label": {"type": ["string", "null"]}, "category": {"type": ["string", "null"]}, "remove": {"type": ["boolean", "null"]}}}}}}}}},
                "responses": {"200": {"description": "summary", "content": {"application/json": {"schema": {"type": "object"}}}},
                  "400": {"$ref": "#/components/responses/Error"}, "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"},
                  "413": {"$ref": "#/components/responses/Error"}, "415": {"$ref": "#/components/responses/Error"}}}}
          }
        }
        """#
}
