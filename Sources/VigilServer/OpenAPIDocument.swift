/// The API's OpenAPI 3.1 description, served at `/openapi.json`. Keep it true to `Routes`
/// (`scripts/api-fuzz` runs schemathesis against it in CI).
enum OpenAPIDocument {
    static let json = #"""
        {
         "openapi": "3.1.0",
         "info": {
          "title": "Vigil",
          "version": "1",
          "description": "Identify, track and remove CSAM: hashing, hash-bank matching, signals, policy verdicts and their actions. Every endpoint except /healthz, /readyz and /openapi.json needs an API key (Authorization: Bearer <key>) with the scope named in its summary; each key is rate-limited (429 with Retry-After)."
         },
         "servers": [
          {
           "url": "/"
          }
         ],
         "security": [
          {
           "apiKey": []
          }
         ],
         "components": {
          "securitySchemes": {
           "apiKey": {
            "type": "http",
            "scheme": "bearer"
           }
          },
          "schemas": {
           "Error": {
            "type": "object",
            "required": [
             "error"
            ],
            "properties": {
             "error": {
              "type": "object",
              "required": [
               "code",
               "message"
              ],
              "properties": {
               "code": {
                "type": "string"
               },
               "message": {
                "type": "string"
               }
              }
             }
            }
           },
           "Match": {
            "type": "object",
            "required": [
             "bank",
             "entry",
             "kind",
             "distance",
             "variant",
             "negative",
             "suppressed"
            ],
            "properties": {
             "bank": {
              "type": "string"
             },
             "entry": {
              "type": "integer"
             },
             "label": {
              "type": [
               "string",
               "null"
              ]
             },
             "category": {
              "type": [
               "string",
               "null"
              ]
             },
             "hash": {
              "type": "string"
             },
             "kind": {
              "type": "string",
              "enum": [
               "pdq",
               "md5",
               "sha1",
               "sha256"
              ]
             },
             "distance": {
              "type": "integer",
              "minimum": 0
             },
             "variant": {
              "type": "string"
             },
             "negative": {
              "type": "boolean"
             },
             "suppressed": {
              "type": "boolean"
             }
            }
           },
           "HashRecord": {
            "type": "object",
            "required": [
             "path",
             "format",
             "width",
             "height",
             "md5",
             "sha1",
             "sha256",
             "pdq",
             "quality",
             "error"
            ],
            "properties": {
             "path": {
              "type": "string"
             },
             "format": {
              "type": [
               "string",
               "null"
              ]
             },
             "width": {
              "type": [
               "integer",
               "null"
              ]
             },
             "height": {
              "type": [
               "integer",
               "null"
              ]
             },
             "md5": {
              "type": [
               "string",
               "null"
              ]
             },
             "sha1": {
              "type": [
               "string",
               "null"
              ]
             },
             "sha256": {
              "type": [
               "string",
               "null"
              ]
             },
             "pdq": {
              "type": [
               "string",
               "null"
              ]
             },
             "quality": {
              "type": [
               "integer",
               "null"
              ]
             },
             "pdq_dihedral": {
              "type": "array",
              "items": {
               "type": "string"
              }
             },
             "error": {
              "type": [
               "string",
               "null"
              ]
             }
            }
           },
           "Signal": {
            "type": "object",
            "required": [
             "type"
            ],
            "properties": {
             "type": {
              "type": "string",
              "enum": [
               "hash_match",
               "negative_match",
               "video_match",
               "synthetic"
              ]
             },
             "query_match_percent": {
              "type": "number"
             },
             "compare_match_percent": {
              "type": "number"
             },
             "bank": {
              "type": "string"
             },
             "kind": {
              "type": "string"
             },
             "distance": {
              "type": "integer"
             },
             "category": {
              "type": [
               "string",
               "null"
              ]
             },
             "suppressed": {
              "type": "boolean"
             },
             "signal": {
              "type": "object",
              "description": "the synthetic-media signal: verdict, confidence, evidence"
             }
            }
           },
           "ScanResult": {
            "type": "object",
            "required": [
             "id",
             "status",
             "verdict",
             "priority",
             "rules",
             "actions",
             "signals",
             "matches",
             "hashes",
             "created_at"
            ],
            "properties": {
             "id": {
              "type": "string"
             },
             "status": {
              "const": "done"
             },
             "verdict": {
              "type": "string",
              "enum": [
               "block",
               "review",
               "allow"
              ]
             },
             "priority": {
              "type": "integer"
             },
             "rules": {
              "type": "array",
              "items": {
               "type": "string"
              }
             },
             "actions": {
              "type": "array",
              "items": {
               "type": "string",
               "enum": [
                "webhook",
                "preserve",
                "report",
                "suppress"
               ]
              }
             },
             "signals": {
              "type": "array",
              "items": {
               "$ref": "#/components/schemas/Signal"
              }
             },
             "matches": {
              "type": "array",
              "items": {
               "$ref": "#/components/schemas/Match"
              }
             },
             "video_matches": {
              "type": "array",
              "description": "for a video: the bank videos it matched by vPDQ (python-threatexchange's rule) or by file MD5, with where in the bank video (matched_start/matched_end, seconds) and in the upload (query_start/query_end) the matching frames lie",
              "items": {
               "$ref": "#/components/schemas/VideoMatch"
              }
             },
             "hashes": {
              "type": "object",
              "properties": {
               "md5": {
                "type": [
                 "string",
                 "null"
                ]
               },
               "sha1": {
                "type": [
                 "string",
                 "null"
                ]
               },
               "sha256": {
                "type": [
                 "string",
                 "null"
                ]
               },
               "pdq": {
                "type": [
                 "string",
                 "null"
                ]
               },
               "quality": {
                "type": [
                 "integer",
                 "null"
                ]
               },
               "format": {
                "type": [
                 "string",
                 "null"
                ]
               },
               "width": {
                "type": [
                 "integer",
                 "null"
                ]
               },
               "height": {
                "type": [
                 "integer",
                 "null"
                ]
               },
               "video_frames": {
                "type": [
                 "integer",
                 "null"
                ],
                "description": "for a video: how many frames were hashed (vPDQ)"
               }
              }
             },
             "created_at": {
              "type": "string"
             }
            }
           },
           "ScanPending": {
            "type": "object",
            "required": [
             "id",
             "status"
            ],
            "properties": {
             "id": {
              "type": "string"
             },
             "status": {
              "type": "string",
              "enum": [
               "queued",
               "running"
              ]
             },
             "location": {
              "type": "string"
             }
            }
           },
           "ScanFailed": {
            "type": "object",
            "required": [
             "id",
             "status",
             "http_status",
             "error"
            ],
            "properties": {
             "id": {
              "type": "string"
             },
             "status": {
              "const": "failed"
             },
             "http_status": {
              "type": "integer"
             },
             "error": {
              "type": "object",
              "required": [
               "code",
               "message"
              ],
              "properties": {
               "code": {
                "type": "string"
               },
               "message": {
                "type": "string"
               }
              }
             }
            }
           },
           "VideoMatch": {
            "type": "object",
            "required": [
             "bank",
             "entry",
             "negative",
             "suppressed",
             "query_match_percent",
             "compare_match_percent",
             "md5_match"
            ],
            "properties": {
             "bank": {
              "type": "string"
             },
             "entry": {
              "type": "integer"
             },
             "video": {
              "type": "string",
              "description": "the bank video's name (only for keys with banks:read)"
             },
             "label": {
              "type": [
               "string",
               "null"
              ]
             },
             "category": {
              "type": [
               "string",
               "null"
              ]
             },
             "negative": {
              "type": "boolean"
             },
             "suppressed": {
              "type": "boolean"
             },
             "query_match_percent": {
              "type": "number"
             },
             "compare_match_percent": {
              "type": "number"
             },
             "md5_match": {
              "type": "boolean"
             },
             "matched_start": {
              "type": [
               "number",
               "null"
              ]
             },
             "matched_end": {
              "type": [
               "number",
               "null"
              ]
             },
             "query_start": {
              "type": [
               "number",
               "null"
              ]
             },
             "query_end": {
              "type": [
               "number",
               "null"
              ]
             }
            }
           },
           "Bank": {
            "type": "object",
            "required": [
             "name",
             "negative",
             "threshold",
             "entries",
             "version",
             "created_at",
             "updated_at"
            ],
            "properties": {
             "name": {
              "type": "string"
             },
             "source": {
              "type": [
               "string",
               "null"
              ]
             },
             "category": {
              "type": [
               "string",
               "null"
              ]
             },
             "negative": {
              "type": "boolean"
             },
             "threshold": {
              "type": "integer"
             },
             "entries": {
              "type": "integer"
             },
             "videos": {
              "type": "integer"
             },
             "video_frames": {
              "type": "integer"
             },
             "version": {
              "type": "integer"
             },
             "created_at": {
              "type": "string"
             },
             "updated_at": {
              "type": "string"
             }
            }
           }
          },
          "responses": {
           "Error": {
            "description": "An error",
            "content": {
             "application/json": {
              "schema": {
               "$ref": "#/components/schemas/Error"
              }
             }
            }
           }
          }
         },
         "paths": {
          "/healthz": {
           "get": {
            "security": [],
            "summary": "Liveness",
            "responses": {
             "200": {
              "description": "alive",
              "content": {
               "application/json": {
                "schema": {
                 "type": "object"
                }
               }
              }
             }
            }
           }
          },
          "/readyz": {
           "get": {
            "security": [],
            "summary": "Readiness (database and index available)",
            "responses": {
             "200": {
              "description": "ready",
              "content": {
               "application/json": {
                "schema": {
                 "type": "object"
                }
               }
              }
             },
             "503": {
              "$ref": "#/components/responses/Error"
             }
            }
           }
          },
          "/openapi.json": {
           "get": {
            "security": [],
            "summary": "This document",
            "responses": {
             "200": {
              "description": "the OpenAPI document",
              "content": {
               "application/json": {
                "schema": {
                 "type": "object"
                }
               }
              }
             }
            }
           }
          },
          "/metrics": {
           "get": {
            "summary": "Prometheus metrics (scope admin): request counts and latency by route, scans by verdict, index size, queue and outbox",
            "responses": {
             "200": {
              "description": "Prometheus text exposition",
              "content": {
               "text/plain": {
                "schema": {
                 "type": "string"
                }
               }
              }
             },
             "401": {
              "$ref": "#/components/responses/Error"
             },
             "403": {
              "$ref": "#/components/responses/Error"
             },
             "429": {
              "$ref": "#/components/responses/Error"
             }
            }
           }
          },
          "/v1/hash": {
           "post": {
            "summary": "Hash media (scope scan): PDQ, quality, MD5, SHA-1, SHA-256",
            "parameters": [
             {
              "name": "dihedral",
              "in": "query",
              "schema": {
               "type": "string",
               "enum": [
                "true",
                "false"
               ]
              }
             }
            ],
            "requestBody": {
             "required": true,
             "content": {
              "application/octet-stream": {
               "schema": {
                "type": "string",
                "format": "binary"
               }
              },
              "image/*": {
               "schema": {
                "type": "string",
                "format": "binary"
               }
              },
              "video/*": {
               "schema": {
                "type": "string",
                "format": "binary"
               }
              },
              "multipart/form-data": {
               "schema": {
                "type": "object",
                "required": [
                 "file"
                ],
                "properties": {
                 "file": {
                  "type": "string",
                  "format": "binary"
                 }
                }
               }
              },
              "application/json": {
               "schema": {
                "type": "object",
                "required": [
                 "url"
                ],
                "properties": {
                 "url": {
                  "type": "string",
                  "description": "An http(s) URL to fetch the media from (public addresses only, redirects capped)."
                 }
                }
               }
              }
             }
            },
            "responses": {
             "200": {
              "description": "hashes",
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/HashRecord"
                }
               }
              }
             },
             "400": {
              "$ref": "#/components/responses/Error"
             },
             "401": {
              "$ref": "#/components/responses/Error"
             },
             "403": {
              "$ref": "#/components/responses/Error"
             },
             "413": {
              "$ref": "#/components/responses/Error"
             },
             "415": {
              "$ref": "#/components/responses/Error"
             },
             "422": {
              "$ref": "#/components/responses/Error"
             },
             "429": {
              "$ref": "#/components/responses/Error"
             }
            }
           }
          },
          "/v1/scan": {
           "post": {
            "summary": "Scan media (scope scan): hash, match every bank, read signals, apply the policy, run its actions (webhook, evidence, audit) and answer block, review or allow. Videos (MP4/MOV, WebM/MKV, AVI, animated GIF) are hashed with vPDQ and matched against bank videos; a video over the duration, frame or decode-time limit is a 422 (video_limit). ?async=true queues the scan (202); an Idempotency-Key makes a retry return the first request's scan",
            "parameters": [
             {
              "name": "async",
              "in": "query",
              "schema": {
               "type": "string",
               "enum": [
                "true",
                "false"
               ]
              }
             },
             {
              "name": "Idempotency-Key",
              "in": "header",
              "schema": {
               "type": "string",
               "pattern": "^[!-~]{1,255}$"
              }
             }
            ],
            "requestBody": {
             "required": true,
             "content": {
              "application/octet-stream": {
               "schema": {
                "type": "string",
                "format": "binary"
               }
              },
              "image/*": {
               "schema": {
                "type": "string",
                "format": "binary"
               }
              },
              "video/*": {
               "schema": {
                "type": "string",
                "format": "binary"
               }
              },
              "multipart/form-data": {
               "schema": {
                "type": "object",
                "required": [
                 "file"
                ],
                "properties": {
                 "file": {
                  "type": "string",
                  "format": "binary"
                 }
                }
               }
              },
              "application/json": {
               "schema": {
                "type": "object",
                "required": [
                 "url"
                ],
                "properties": {
                 "url": {
                  "type": "string",
                  "description": "An http(s) URL to fetch the media from (public addresses only, redirects capped)."
                 }
                }
               }
              }
             }
            },
            "responses": {
             "200": {
              "description": "the decision",
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/ScanResult"
                }
               }
              }
             },
             "202": {
              "description": "queued",
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/ScanPending"
                }
               }
              }
             },
             "400": {
              "$ref": "#/components/responses/Error"
             },
             "401": {
              "$ref": "#/components/responses/Error"
             },
             "403": {
              "$ref": "#/components/responses/Error"
             },
             "409": {
              "$ref": "#/components/responses/Error"
             },
             "413": {
              "$ref": "#/components/responses/Error"
             },
             "415": {
              "$ref": "#/components/responses/Error"
             },
             "422": {
              "$ref": "#/components/responses/Error"
             },
             "429": {
              "$ref": "#/components/responses/Error"
             },
             "503": {
              "$ref": "#/components/responses/Error"
             }
            }
           }
          },
          "/v1/scans/{id}": {
           "parameters": [
            {
             "name": "id",
             "in": "path",
             "required": true,
             "schema": {
              "type": "string"
             }
            }
           ],
           "get": {
            "summary": "A scan submitted by this key (scope scan; admins see all): its result, its error, or its place in the queue",
            "responses": {
             "200": {
              "description": "the scan",
              "content": {
               "application/json": {
                "schema": {
                 "oneOf": [
                  {
                   "$ref": "#/components/schemas/ScanResult"
                  },
                  {
                   "$ref": "#/components/schemas/ScanPending"
                  },
                  {
                   "$ref": "#/components/schemas/ScanFailed"
                  }
                 ]
                }
               }
              }
             },
             "401": {
              "$ref": "#/components/responses/Error"
             },
             "403": {
              "$ref": "#/components/responses/Error"
             },
             "404": {
              "$ref": "#/components/responses/Error"
             },
             "429": {
              "$ref": "#/components/responses/Error"
             }
            }
           }
          },
          "/v1/lookup": {
           "post": {
            "summary": "Match hashes computed by the caller (scope lookup); labels only for keys with banks:read",
            "requestBody": {
             "required": true,
             "content": {
              "application/json": {
               "schema": {
                "type": "object",
                "anyOf": [
                 {
                  "required": [
                   "pdq"
                  ]
                 },
                 {
                  "required": [
                   "md5"
                  ]
                 },
                 {
                  "required": [
                   "sha1"
                  ]
                 },
                 {
                  "required": [
                   "sha256"
                  ]
                 }
                ],
                "properties": {
                 "pdq": {
                  "type": [
                   "string",
                   "null"
                  ]
                 },
                 "quality": {
                  "type": [
                   "integer",
                   "null"
                  ],
                  "minimum": 0,
                  "maximum": 100
                 },
                 "dihedral": {
                  "type": [
                   "array",
                   "null"
                  ],
                  "items": {
                   "type": "string"
                  },
                  "minItems": 8,
                  "maxItems": 8
                 },
                 "md5": {
                  "type": [
                   "string",
                   "null"
                  ]
                 },
                 "sha1": {
                  "type": [
                   "string",
                   "null"
                  ]
                 },
                 "sha256": {
                  "type": [
                   "string",
                   "null"
                  ]
                 }
                }
               }
              }
             }
            },
            "responses": {
             "200": {
              "description": "matches",
              "content": {
               "application/json": {
                "schema": {
                 "type": "object",
                 "required": [
                  "matches"
                 ],
                 "properties": {
                  "matches": {
                   "type": "array",
                   "items": {
                    "$ref": "#/components/schemas/Match"
                   }
                  }
                 }
                }
               }
              }
             },
             "400": {
              "$ref": "#/components/responses/Error"
             },
             "401": {
              "$ref": "#/components/responses/Error"
             },
             "403": {
              "$ref": "#/components/responses/Error"
             },
             "413": {
              "$ref": "#/components/responses/Error"
             },
             "415": {
              "$ref": "#/components/responses/Error"
             },
             "429": {
              "$ref": "#/components/responses/Error"
             }
            }
           }
          },
          "/v1/banks": {
           "get": {
            "summary": "List banks (scope banks:read)",
            "responses": {
             "200": {
              "description": "banks",
              "content": {
               "application/json": {
                "schema": {
                 "type": "object",
                 "properties": {
                  "banks": {
                   "type": "array",
                   "items": {
                    "$ref": "#/components/schemas/Bank"
                   }
                  }
                 }
                }
               }
              }
             },
             "401": {
              "$ref": "#/components/responses/Error"
             },
             "403": {
              "$ref": "#/components/responses/Error"
             },
             "429": {
              "$ref": "#/components/responses/Error"
             }
            }
           },
           "post": {
            "summary": "Create a bank (scope banks:write)",
            "requestBody": {
             "required": true,
             "content": {
              "application/json": {
               "schema": {
                "type": "object",
                "required": [
                 "name"
                ],
                "properties": {
                 "name": {
                  "type": "string",
                  "minLength": 1,
                  "maxLength": 200
                 },
                 "source": {
                  "type": [
                   "string",
                   "null"
                  ]
                 },
                 "category": {
                  "type": [
                   "string",
                   "null"
                  ]
                 },
                 "negative": {
                  "type": [
                   "boolean",
                   "null"
                  ]
                 },
                 "threshold": {
                  "type": [
                   "integer",
                   "null"
                  ],
                  "minimum": 0,
                  "maximum": 256
                 }
                }
               }
              }
             }
            },
            "responses": {
             "201": {
              "description": "created",
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Bank"
                }
               }
              }
             },
             "400": {
              "$ref": "#/components/responses/Error"
             },
             "401": {
              "$ref": "#/components/responses/Error"
             },
             "403": {
              "$ref": "#/components/responses/Error"
             },
             "409": {
              "$ref": "#/components/responses/Error"
             },
             "413": {
              "$ref": "#/components/responses/Error"
             },
             "415": {
              "$ref": "#/components/responses/Error"
             },
             "429": {
              "$ref": "#/components/responses/Error"
             }
            }
           }
          },
          "/v1/banks/{name}": {
           "parameters": [
            {
             "name": "name",
             "in": "path",
             "required": true,
             "schema": {
              "type": "string"
             }
            }
           ],
           "get": {
            "summary": "A bank (scope banks:read)",
            "responses": {
             "200": {
              "description": "bank",
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Bank"
                }
               }
              }
             },
             "401": {
              "$ref": "#/components/responses/Error"
             },
             "403": {
              "$ref": "#/components/responses/Error"
             },
             "404": {
              "$ref": "#/components/responses/Error"
             },
             "429": {
              "$ref": "#/components/responses/Error"
             }
            }
           },
           "delete": {
            "summary": "Delete a bank and its entries (scope banks:write)",
            "responses": {
             "204": {
              "description": "deleted"
             },
             "401": {
              "$ref": "#/components/responses/Error"
             },
             "403": {
              "$ref": "#/components/responses/Error"
             },
             "404": {
              "$ref": "#/components/responses/Error"
             },
             "429": {
              "$ref": "#/components/responses/Error"
             }
            }
           }
          },
          "/v1/banks/{name}/entries": {
           "parameters": [
            {
             "name": "name",
             "in": "path",
             "required": true,
             "schema": {
              "type": "string"
             }
            }
           ],
           "get": {
            "summary": "Page through a bank's entries (scope banks:read)",
            "parameters": [
             {
              "name": "after",
              "in": "query",
              "schema": {
               "type": "integer",
               "minimum": 0
              }
             },
             {
              "name": "limit",
              "in": "query",
              "schema": {
               "type": "integer",
               "minimum": 1,
               "maximum": 10000
              }
             }
            ],
            "responses": {
             "200": {
              "description": "entries",
              "content": {
               "application/json": {
                "schema": {
                 "type": "object",
                 "properties": {
                  "entries": {
                   "type": "array"
                  },
                  "next_after": {
                   "type": [
                    "integer",
                    "null"
                   ]
                  }
                 }
                }
               }
              }
             },
             "400": {
              "$ref": "#/components/responses/Error"
             },
             "401": {
              "$ref": "#/components/responses/Error"
             },
             "403": {
              "$ref": "#/components/responses/Error"
             },
             "404": {
              "$ref": "#/components/responses/Error"
             },
             "429": {
              "$ref": "#/components/responses/Error"
             }
            }
           },
           "post": {
            "summary": "Add or remove entries (scope banks:write)",
            "requestBody": {
             "required": true,
             "content": {
              "application/json": {
               "schema": {
                "type": "object",
                "required": [
                 "entries"
                ],
                "properties": {
                 "entries": {
                  "type": "array",
                  "maxItems": 100000,
                  "items": {
                   "type": "object",
                   "required": [
                    "kind",
                    "hash"
                   ],
                   "properties": {
                    "kind": {
                     "type": "string",
                     "enum": [
                      "pdq",
                      "md5",
                      "sha1",
                      "sha256"
                     ]
                    },
                    "hash": {
                     "type": "string"
                    },
                    "label": {
                     "type": [
                      "string",
                      "null"
                     ]
                    },
                    "category": {
                     "type": [
                      "string",
                      "null"
                     ]
                    },
                    "remove": {
                     "type": [
                      "boolean",
                      "null"
                     ]
                    }
                   }
                  }
                 }
                }
               }
              }
             }
            },
            "responses": {
             "200": {
              "description": "summary",
              "content": {
               "application/json": {
                "schema": {
                 "type": "object"
                }
               }
              }
             },
             "400": {
              "$ref": "#/components/responses/Error"
             },
             "401": {
              "$ref": "#/components/responses/Error"
             },
             "403": {
              "$ref": "#/components/responses/Error"
             },
             "404": {
              "$ref": "#/components/responses/Error"
             },
             "413": {
              "$ref": "#/components/responses/Error"
             },
             "415": {
              "$ref": "#/components/responses/Error"
             },
             "429": {
              "$ref": "#/components/responses/Error"
             }
            }
           }
          },
          "/v1/banks/{name}/import": {
           "parameters": [
            {
             "name": "name",
             "in": "path",
             "required": true,
             "schema": {
              "type": "string"
             }
            }
           ],
           "post": {
            "summary": "Bulk import a whole list into a bank (scope banks:write), streamed and validated record by record: bad records are reported by line and skipped",
            "parameters": [
             {
              "name": "format",
              "in": "query",
              "required": true,
              "schema": {
               "type": "string",
               "enum": [
                "text",
                "csv",
                "hma",
                "vics",
                "ncmec",
                "stopncii",
                "vpdq"
               ]
              }
             },
             {
              "name": "name",
              "in": "query",
              "description": "format=vpdq: the name of the video when the body is one video in the vpdq text format",
              "schema": {
               "type": "string",
               "minLength": 1,
               "maxLength": 1000
              }
             },
             {
              "name": "wide_kind",
              "in": "query",
              "schema": {
               "type": "string",
               "enum": [
                "pdq",
                "sha256"
               ]
              }
             }
            ],
            "requestBody": {
             "required": true,
             "description": "the list itself, in the format named by ?format (any content type)",
             "content": {
              "application/octet-stream": {
               "schema": {
                "type": "string",
                "format": "binary"
               }
              }
             }
            },
            "responses": {
             "200": {
              "description": "what was imported",
              "content": {
               "application/json": {
                "schema": {
                 "type": "object",
                 "required": [
                  "added",
                  "updated",
                  "removed",
                  "missing_removals",
                  "rejected",
                  "problems",
                  "complete"
                 ],
                 "properties": {
                  "added": {
                   "type": "integer"
                  },
                  "updated": {
                   "type": "integer"
                  },
                  "removed": {
                   "type": "integer"
                  },
                  "missing_removals": {
                   "type": "integer"
                  },
                  "rejected": {
                   "type": "integer"
                  },
                  "problems": {
                   "type": "array",
                   "items": {
                    "type": "object",
                    "properties": {
                     "line": {
                      "type": "integer"
                     },
                     "message": {
                      "type": "string"
                     }
                    }
                   }
                  },
                  "complete": {
                   "type": "boolean"
                  },
                  "stopped": {
                   "type": [
                    "string",
                    "null"
                   ]
                  }
                 }
                }
               }
              }
             },
             "400": {
              "$ref": "#/components/responses/Error"
             },
             "401": {
              "$ref": "#/components/responses/Error"
             },
             "403": {
              "$ref": "#/components/responses/Error"
             },
             "404": {
              "$ref": "#/components/responses/Error"
             },
             "413": {
              "$ref": "#/components/responses/Error"
             },
             "429": {
              "$ref": "#/components/responses/Error"
             }
            }
           }
          },
          "/v1/audit": {
           "get": {
            "summary": "The hash-chained audit log (scope admin): each entry carries the SHA-256 of the previous one",
            "parameters": [
             {
              "name": "after",
              "in": "query",
              "schema": {
               "type": "integer",
               "minimum": 0
              }
             },
             {
              "name": "limit",
              "in": "query",
              "schema": {
               "type": "integer",
               "minimum": 1,
               "maximum": 10000
              }
             }
            ],
            "responses": {
             "200": {
              "description": "entries",
              "content": {
               "application/json": {
                "schema": {
                 "type": "object",
                 "properties": {
                  "entries": {
                   "type": "array"
                  },
                  "next_after": {
                   "type": [
                    "integer",
                    "null"
                   ]
                  }
                 }
                }
               }
              }
             },
             "400": {
              "$ref": "#/components/responses/Error"
             },
             "401": {
              "$ref": "#/components/responses/Error"
             },
             "403": {
              "$ref": "#/components/responses/Error"
             },
             "429": {
              "$ref": "#/components/responses/Error"
             }
            }
           }
          }
         }
        }
        """#
}
