/// The API's OpenAPI 3.1 description, served at `/openapi.json`. Keep it true to `Routes`
/// (`scripts/api-fuzz` runs schemathesis against it in CI).
enum OpenAPIDocument {
    static let json = #"""
        {
         "openapi": "3.1.0",
         "info": {
          "title": "Vigil",
          "version": "1",
          "description": "Identify, track and remove CSAM: hashing, hash-bank matching, signals, policy verdicts and their actions. Every endpoint except /healthz, /readyz, /openapi.json and the public /report, /report/challenge, /transparency and /v1/transparency needs an API key (Authorization: Bearer <key>) with the scope named in its summary; each key is rate-limited (429 with Retry-After)."
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
           "Takedown": {
            "type": "object",
            "required": [
             "id",
             "case_ref",
             "url",
             "host",
             "source",
             "status",
             "channel"
            ],
            "properties": {
             "id": {
              "type": "string"
             },
             "case_ref": {
              "type": "string"
             },
             "url": {
              "type": "string"
             },
             "host": {
              "type": "string"
             },
             "source": {
              "type": "string",
              "enum": [
               "public",
               "analyst",
               "api",
               "scan"
              ]
             },
             "status": {
              "type": "string",
              "enum": [
               "candidate",
               "pending",
               "sent",
               "escalated",
               "removed",
               "rejected"
              ]
             },
             "channel": {
              "type": "string",
              "enum": [
               "email",
               "webhook"
              ]
             },
             "contact": {
              "type": [
               "string",
               "null"
              ]
             },
             "contact_source": {
              "type": [
               "string",
               "null"
              ]
             },
             "escalation_contact": {
              "type": [
               "string",
               "null"
              ]
             },
             "description": {
              "type": [
               "string",
               "null"
              ]
             },
             "hashes": {
              "type": "object",
              "properties": {
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
               }
              }
             },
             "scan_id": {
              "type": [
               "string",
               "null"
              ]
             },
             "created_by": {
              "type": "string"
             },
             "created_at": {
              "type": [
               "string",
               "null"
              ]
             },
             "sent_at": {
              "type": [
               "string",
               "null"
              ]
             },
             "escalated_at": {
              "type": [
               "string",
               "null"
              ]
             },
             "removed_at": {
              "type": [
               "string",
               "null"
              ]
             },
             "removal_reason": {
              "type": [
               "string",
               "null"
              ]
             },
             "time_to_removal_seconds": {
              "type": [
               "integer",
               "null"
              ]
             },
             "checks_count": {
              "type": "integer"
             },
             "last_checked_at": {
              "type": [
               "string",
               "null"
              ]
             },
             "next_check_at": {
              "type": [
               "string",
               "null"
              ]
             },
             "last_error": {
              "type": [
               "string",
               "null"
              ]
             },
             "checks": {
              "type": "array",
              "items": {
               "type": "object",
               "properties": {
                "at": {
                 "type": [
                  "string",
                  "null"
                 ]
                },
                "outcome": {
                 "type": "string",
                 "enum": [
                  "present",
                  "removed",
                  "changed",
                  "unreachable"
                 ]
                },
                "http_status": {
                 "type": [
                  "integer",
                  "null"
                 ]
                },
                "sha256": {
                 "type": [
                  "string",
                  "null"
                 ]
                },
                "pdq_distance": {
                 "type": [
                  "integer",
                  "null"
                 ]
                },
                "detail": {
                 "type": "string"
                }
               }
              }
             }
            }
           },
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
           },
           "Report": {
            "type": "object",
            "required": [
             "id",
             "status",
             "items"
            ],
            "properties": {
             "id": {
              "type": "string"
             },
             "status": {
              "enum": [
               "draft",
               "queued",
               "sending",
               "finished",
               "failed",
               "blocked"
              ]
             },
             "case": {
              "type": [
               "integer",
               "null"
              ]
             },
             "items": {
              "type": "array",
              "items": {
               "type": "string"
              }
             },
             "created_by": {
              "type": "string"
             },
             "created_at": {
              "type": "string"
             },
             "submitted_by": {
              "type": [
               "string",
               "null"
              ]
             },
             "submitted_at": {
              "type": [
               "string",
               "null"
              ]
             },
             "ncmec_report_id": {
              "type": [
               "string",
               "null"
              ]
             },
             "finished_at": {
              "type": [
               "string",
               "null"
              ]
             },
             "attempts": {
              "type": "integer"
             },
             "last_error": {
              "type": [
               "string",
               "null"
              ]
             },
             "problems": {
              "type": "array",
              "items": {
               "type": "string"
              },
              "description": "what would get the report refused (empty when it can be submitted)"
             },
             "xml": {
              "type": [
               "string",
               "null"
              ],
              "description": "the <report> XML that will be sent, in NCMEC's element order"
             },
             "receipt": {
              "type": [
               "string",
               "null"
              ],
              "description": "NCMEC's <reportResponse> to /finish"
             },
             "draft": {
              "type": "object",
              "description": "the draft: incident, internet, reporter (the configured template), reported, files (md5, viewed_by_esp from the review record's reveals, industry_classification, annotations such as generativeAi)"
             }
            }
           },
           "DraftDetails": {
            "type": "object",
            "description": "What a person adds to the review record: the incident, where it happened, the account reported.",
            "properties": {
             "incident_type": {
              "enum": [
               "Child Pornography (possession, manufacture, and distribution)",
               "Child Sex Trafficking",
               "Child Sex Tourism",
               "Child Sexual Molestation",
               "Misleading Domain Name",
               "Misleading Words or Digital Images on the Internet",
               "Online Enticement of Children for Sexual Acts",
               "Unsolicited Obscene Material Sent to a Child"
              ]
             },
             "incident_date_time": {
              "type": "string",
              "description": "ISO 8601 with a zone; default: the earliest upload"
             },
             "internet": {
              "type": "object",
              "required": [
               "kind"
              ],
              "properties": {
               "kind": {
                "enum": [
                 "web_page",
                 "email",
                 "chat_im"
                ]
               },
               "values": {
                "type": "array",
                "items": {
                 "type": "string"
                }
               },
               "chat_client": {
                "type": "string"
               },
               "chat_room_name": {
                "type": "string"
               }
              }
             },
             "reported": {
              "type": "object",
              "properties": {
               "email": {
                "type": "string"
               },
               "esp_identifier": {
                "type": "string"
               },
               "screen_name": {
                "type": "string"
               },
               "display_name": {
                "type": "string"
               },
               "ip_capture_events": {
                "type": "array",
                "items": {
                 "type": "object",
                 "required": [
                  "ip_address"
                 ],
                 "properties": {
                  "ip_address": {
                   "type": "string"
                  },
                  "event_name": {
                   "enum": [
                    "Login",
                    "Registration",
                    "Purchase",
                    "Upload",
                    "Other",
                    "Unknown"
                   ]
                  },
                  "date_time": {
                   "type": "string",
                   "description": "ISO 8601 with a zone"
                  },
                  "possible_proxy": {
                   "type": "boolean"
                  }
                 }
                }
               }
              }
             },
             "publicly_available": {
              "type": "boolean"
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
          },
          "/v1/takedowns": {
           "post": {
            "summary": "Queue a takedown notice for a URL (scope takedowns). The URL passes the fetcher's SSRF checks; the monitor finds the abuse contact (DNS, then RDAP) unless one is given, sends the notice (email through the SMTP relay, or a signed webhook), re-checks the URL and escalates after N days",
            "requestBody": {
             "required": true,
             "content": {
              "application/json": {
               "schema": {
                "type": "object",
                "required": [
                 "url"
                ],
                "properties": {
                 "url": {
                  "type": "string"
                 },
                 "contact": {
                  "type": "string",
                  "description": "an abuse email entered by hand, or the webhook target's name"
                 },
                 "channel": {
                  "type": "string",
                  "enum": [
                   "email",
                   "webhook"
                  ]
                 },
                 "escalation_contact": {
                  "type": "string"
                 },
                 "case_ref": {
                  "type": "string",
                  "minLength": 1,
                  "maxLength": 64
                 },
                 "description": {
                  "type": "string",
                  "maxLength": 4000
                 }
                }
               }
              }
             }
            },
            "responses": {
             "201": {
              "description": "queued",
              "headers": {
               "Location": {
                "schema": {
                 "type": "string"
                }
               }
              },
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Takedown"
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
             },
             "503": {
              "$ref": "#/components/responses/Error"
             }
            }
           },
           "get": {
            "summary": "Takedowns, newest first (scope takedowns)",
            "parameters": [
             {
              "name": "status",
              "in": "query",
              "schema": {
               "type": "string",
               "enum": [
                "candidate",
                "pending",
                "sent",
                "escalated",
                "removed",
                "rejected"
               ]
              }
             },
             {
              "name": "limit",
              "in": "query",
              "schema": {
               "type": "integer",
               "minimum": 1,
               "maximum": 1000
              }
             }
            ],
            "responses": {
             "200": {
              "description": "takedowns",
              "content": {
               "application/json": {
                "schema": {
                 "type": "object",
                 "properties": {
                  "takedowns": {
                   "type": "array",
                   "items": {
                    "$ref": "#/components/schemas/Takedown"
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
             "429": {
              "$ref": "#/components/responses/Error"
             },
             "503": {
              "$ref": "#/components/responses/Error"
             }
            }
           }
          },
          "/v1/takedowns/{id}": {
           "get": {
            "summary": "One takedown with its re-checks (scope takedowns)",
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
            "responses": {
             "200": {
              "description": "the takedown",
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Takedown"
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
             },
             "503": {
              "$ref": "#/components/responses/Error"
             }
            }
           }
          },
          "/v1/transparency": {
           "get": {
            "security": [],
            "summary": "Public transparency numbers: per UTC month scans, matches by bank, human-confirmed items, false positives, reports filed, notices sent, removals with median and p90 time to removal, reviewer exposure; false-positive rate per bank. Aggregate counts only",
            "parameters": [
             {
              "name": "months",
              "in": "query",
              "schema": {
               "type": "integer",
               "minimum": 1,
               "maximum": 120
              }
             }
            ],
            "responses": {
             "200": {
              "description": "the report",
              "content": {
               "application/json": {
                "schema": {
                 "type": "object",
                 "required": [
                  "months",
                  "totals",
                  "false_positive_rate_by_bank",
                  "time_to_removal"
                 ],
                 "properties": {
                  "generated_at": {
                   "type": "string"
                  },
                  "months": {
                   "type": "array"
                  },
                  "totals": {
                   "type": "object"
                  },
                  "false_positive_rate_by_bank": {
                   "type": "array"
                  },
                  "time_to_removal": {
                   "type": "object"
                  },
                  "method": {
                   "type": "string"
                  }
                 }
                }
               }
              }
             },
             "400": {
              "$ref": "#/components/responses/Error"
             },
             "503": {
              "$ref": "#/components/responses/Error"
             }
            }
           }
          },
          "/transparency": {
           "get": {
            "security": [],
            "summary": "The transparency report as an HTML page with server-rendered SVG charts (no scripts)",
            "responses": {
             "200": {
              "description": "the page",
              "content": {
               "text/html": {
                "schema": {
                 "type": "string"
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
          "/report/challenge": {
           "get": {
            "security": [],
            "summary": "A signed proof-of-work challenge for the public report form: find a counter n with SHA-256(challenge + ':' + n) starting with `bits` zero bits",
            "responses": {
             "200": {
              "description": "a challenge",
              "content": {
               "application/json": {
                "schema": {
                 "type": "object",
                 "required": [
                  "challenge",
                  "bits"
                 ],
                 "properties": {
                  "challenge": {
                   "type": "string"
                  },
                  "bits": {
                   "type": "integer"
                  }
                 }
                }
               }
              }
             },
             "404": {
              "$ref": "#/components/responses/Error"
             }
            }
           }
          },
          "/report": {
           "get": {
            "security": [],
            "summary": "The public report form (HTML; URLs only, no uploads)",
            "responses": {
             "200": {
              "description": "the form",
              "content": {
               "text/html": {
                "schema": {
                 "type": "string"
                }
               }
              }
             },
             "404": {
              "$ref": "#/components/responses/Error"
             }
            }
           },
           "post": {
            "security": [],
            "summary": "A public report of a URL: rate-limited per client address (429), a solved proof of work (or, from the HTML form without JavaScript, an empty honeypot and a minimum fill time), the URL checked against SSRF rules. Lands as a takedown candidate for analyst review. JSON answers JSON; the form answers HTML",
            "requestBody": {
             "required": true,
             "content": {
              "application/json": {
               "schema": {
                "type": "object",
                "required": [
                 "url",
                 "challenge"
                ],
                "properties": {
                 "url": {
                  "type": "string"
                 },
                 "description": {
                  "type": "string"
                 },
                 "challenge": {
                  "type": "string"
                 },
                 "pow": {
                  "type": "string"
                 },
                 "website": {
                  "type": "string",
                  "description": "honeypot: leave empty"
                 }
                }
               }
              },
              "application/x-www-form-urlencoded": {
               "schema": {
                "type": "object",
                "required": [
                 "url",
                 "challenge"
                ],
                "properties": {
                 "url": {
                  "type": "string"
                 },
                 "description": {
                  "type": "string"
                 },
                 "challenge": {
                  "type": "string"
                 },
                 "pow": {
                  "type": "string"
                 },
                 "website": {
                  "type": "string"
                 }
                }
               }
              }
             }
            },
            "responses": {
             "202": {
              "description": "received",
              "content": {
               "application/json": {
                "schema": {
                 "type": "object",
                 "required": [
                  "status",
                  "reference"
                 ],
                 "properties": {
                  "status": {
                   "type": "string"
                  },
                  "reference": {
                   "type": "string"
                  }
                 }
                }
               },
               "text/html": {
                "schema": {
                 "type": "string"
                }
               }
              }
             },
             "400": {
              "description": "refused",
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               },
               "text/html": {
                "schema": {
                 "type": "string"
                }
               }
              }
             },
             "404": {
              "description": "refused",
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               },
               "text/html": {
                "schema": {
                 "type": "string"
                }
               }
              }
             },
             "413": {
              "description": "refused",
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               },
               "text/html": {
                "schema": {
                 "type": "string"
                }
               }
              }
             },
             "415": {
              "description": "refused",
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               },
               "text/html": {
                "schema": {
                 "type": "string"
                }
               }
              }
             },
             "422": {
              "description": "refused",
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               },
               "text/html": {
                "schema": {
                 "type": "string"
                }
               }
              }
             },
             "429": {
              "description": "refused",
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               },
               "text/html": {
                "schema": {
                 "type": "string"
                }
               }
              }
             },
             "503": {
              "description": "refused",
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Error"
                }
               },
               "text/html": {
                "schema": {
                 "type": "string"
                }
               }
              }
             }
            }
           }
          },
          "/v1/reports": {
           "get": {
            "summary": "CyberTipline reports, newest first (scope reports)",
            "parameters": [
             {
              "name": "limit",
              "in": "query",
              "schema": {
               "type": "integer",
               "minimum": 1,
               "maximum": 1000
              }
             }
            ],
            "responses": {
             "200": {
              "description": "reports",
              "content": {
               "application/json": {
                "schema": {
                 "type": "object",
                 "properties": {
                  "reports": {
                   "type": "array",
                   "items": {
                    "type": "object"
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
             "429": {
              "$ref": "#/components/responses/Error"
             },
             "503": {
              "$ref": "#/components/responses/Error"
             }
            }
           },
           "post": {
            "summary": "Draft a CyberTipline report (scope reports) from confirmed review items or from a case's confirmed items; every file carries its MD5, whether a person viewed it (a console reveal), its confirmed A1–B2 class and generativeAi when its provenance or watermark says AI-generated",
            "requestBody": {
             "required": true,
             "content": {
              "application/json": {
               "schema": {
                "type": "object",
                "properties": {
                 "items": {
                  "type": "array",
                  "items": {
                   "type": "string"
                  },
                  "maxItems": 1000
                 },
                 "case": {
                  "type": "integer"
                 },
                 "details": {
                  "$ref": "#/components/schemas/DraftDetails"
                 }
                }
               }
              }
             }
            },
            "responses": {
             "201": {
              "description": "the draft",
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Report"
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
          "/v1/reports/{id}": {
           "get": {
            "summary": "A report with its draft, the XML it sends or its problems, NCMEC's id and receipt (scope reports)",
            "parameters": [
             {
              "name": "id",
              "in": "path",
              "required": true,
              "schema": {
               "type": "string",
               "maxLength": 64
              }
             }
            ],
            "responses": {
             "200": {
              "description": "the report",
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Report"
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
             },
             "503": {
              "$ref": "#/components/responses/Error"
             }
            }
           },
           "patch": {
            "summary": "Edit a draft or failed report's details (scope reports)",
            "parameters": [
             {
              "name": "id",
              "in": "path",
              "required": true,
              "schema": {
               "type": "string",
               "maxLength": 64
              }
             }
            ],
            "requestBody": {
             "required": true,
             "content": {
              "application/json": {
               "schema": {
                "$ref": "#/components/schemas/DraftDetails"
               }
              }
             }
            },
            "responses": {
             "200": {
              "description": "the report",
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Report"
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
          "/v1/reports/{id}/submit": {
           "post": {
            "summary": "Submit a draft to the CyberTipline outbox (scope reports): refused with 422 while it has problems (a missing reporter email…); its evidence goes on legal hold; the outbox sends it (retrying, never filing twice) and stores NCMEC's id and receipt",
            "parameters": [
             {
              "name": "id",
              "in": "path",
              "required": true,
              "schema": {
               "type": "string",
               "maxLength": 64
              }
             }
            ],
            "responses": {
             "202": {
              "description": "queued",
              "content": {
               "application/json": {
                "schema": {
                 "$ref": "#/components/schemas/Report"
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
             "409": {
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
          }
         }
        }
        """#
}
