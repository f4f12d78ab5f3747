// Generated from proto/cop.proto (and avl.proto) by `node --import tsx server/shell/cop/codec.ts --write`.
// Do not edit: test/cop-codec.test.ts checks it against the .proto files.
export const COP_DESCRIPTOR = {
  "nested": {
    "jcr": {
      "nested": {
        "v1": {
          "nested": {
            "CopServerMessage": {
              "oneofs": {
                "msg": {
                  "oneof": [
                    "snapshot",
                    "delta"
                  ]
                }
              },
              "fields": {
                "snapshot": {
                  "type": "CopSnapshot",
                  "id": 1
                },
                "delta": {
                  "type": "CopDelta",
                  "id": 2
                }
              }
            },
            "CopSnapshot": {
              "fields": {
                "seq": {
                  "type": "uint32",
                  "id": 1
                },
                "epoch": {
                  "type": "string",
                  "id": 2
                },
                "eventSeq": {
                  "type": "uint32",
                  "id": 3
                },
                "serverTimeMs": {
                  "type": "double",
                  "id": 4
                },
                "reason": {
                  "type": "Reason",
                  "id": 5
                },
                "filter": {
                  "type": "CopFilter",
                  "id": 6
                },
                "resources": {
                  "rule": "repeated",
                  "type": "CopResource",
                  "id": 7
                },
                "incidents": {
                  "rule": "repeated",
                  "type": "CopIncident",
                  "id": 8
                },
                "cover": {
                  "type": "CopCoverSummary",
                  "id": 9
                }
              },
              "nested": {
                "Reason": {
                  "values": {
                    "REASON_UNSPECIFIED": 0,
                    "INITIAL": 1,
                    "RESUME_TOO_OLD": 2,
                    "RESYNC": 3,
                    "FILTER_CHANGED": 4
                  }
                }
              }
            },
            "CopResource": {
              "fields": {
                "ref": {
                  "type": "uint32",
                  "id": 1
                },
                "id": {
                  "type": "string",
                  "id": 2
                },
                "callSign": {
                  "type": "string",
                  "id": 3
                },
                "agency": {
                  "type": "string",
                  "id": 4
                },
                "type": {
                  "type": "string",
                  "id": 5
                },
                "station": {
                  "type": "string",
                  "id": 6
                },
                "capabilities": {
                  "rule": "repeated",
                  "type": "string",
                  "id": 7
                },
                "status": {
                  "type": "ResourceStatus",
                  "id": 8
                },
                "incidentId": {
                  "type": "string",
                  "id": 9
                },
                "latE7": {
                  "type": "sfixed32",
                  "id": 10
                },
                "lonE7": {
                  "type": "sfixed32",
                  "id": 11
                },
                "headingDeg": {
                  "type": "uint32",
                  "id": 12
                },
                "speedDmps": {
                  "type": "uint32",
                  "id": 13
                },
                "fixTimeMs": {
                  "type": "double",
                  "id": 14
                },
                "accuracyM": {
                  "type": "uint32",
                  "id": 15
                }
              }
            },
            "CopIncident": {
              "fields": {
                "id": {
                  "type": "string",
                  "id": 1
                },
                "typeId": {
                  "type": "string",
                  "id": 2
                },
                "typeName": {
                  "type": "string",
                  "id": 3
                },
                "priority": {
                  "type": "uint32",
                  "id": 4
                },
                "status": {
                  "type": "string",
                  "id": 5
                },
                "latE7": {
                  "type": "sfixed32",
                  "id": 6
                },
                "lonE7": {
                  "type": "sfixed32",
                  "id": 7
                },
                "address": {
                  "type": "string",
                  "id": 8
                },
                "leadAgency": {
                  "type": "string",
                  "id": 9
                },
                "supportingAgencies": {
                  "rule": "repeated",
                  "type": "string",
                  "id": 10
                },
                "attendances": {
                  "rule": "repeated",
                  "type": "CopAttendance",
                  "id": 11
                },
                "createdAtMs": {
                  "type": "double",
                  "id": 12
                },
                "updatedAtMs": {
                  "type": "double",
                  "id": 13
                },
                "closedAtMs": {
                  "type": "double",
                  "id": 14
                },
                "majorIncident": {
                  "type": "bool",
                  "id": 15
                },
                "requestedAgencies": {
                  "rule": "repeated",
                  "type": "string",
                  "id": 16
                }
              }
            },
            "CopAttendance": {
              "fields": {
                "resourceId": {
                  "type": "string",
                  "id": 1
                },
                "agency": {
                  "type": "string",
                  "id": 2
                },
                "mobilisedAtMs": {
                  "type": "double",
                  "id": 3
                },
                "arrivedAtMs": {
                  "type": "double",
                  "id": 4
                },
                "leftAtMs": {
                  "type": "double",
                  "id": 5
                }
              }
            },
            "CopCoverSummary": {
              "fields": {
                "computedAtMs": {
                  "type": "double",
                  "id": 1
                },
                "eventSeq": {
                  "type": "uint32",
                  "id": 2
                },
                "figures": {
                  "rule": "repeated",
                  "type": "CopCoverFigure",
                  "id": 3
                },
                "gapCells": {
                  "type": "uint32",
                  "id": 4
                },
                "standbyMoves": {
                  "type": "uint32",
                  "id": 5
                }
              }
            },
            "CopCoverFigure": {
              "fields": {
                "surface": {
                  "type": "string",
                  "id": 1
                },
                "standardId": {
                  "type": "string",
                  "id": 2
                },
                "standardName": {
                  "type": "string",
                  "id": 3
                },
                "nth": {
                  "type": "uint32",
                  "id": 4
                },
                "withinS": {
                  "type": "uint32",
                  "id": 5
                },
                "coveredShare": {
                  "type": "double",
                  "id": 6
                },
                "targetShare": {
                  "type": "double",
                  "id": 7
                },
                "meetsStandard": {
                  "type": "bool",
                  "id": 8
                },
                "label": {
                  "type": "string",
                  "id": 9
                }
              }
            },
            "CopDelta": {
              "fields": {
                "seq": {
                  "type": "uint32",
                  "id": 1
                },
                "fromSeq": {
                  "type": "uint32",
                  "id": 2
                },
                "serverTimeMs": {
                  "type": "double",
                  "id": 3
                },
                "changes": {
                  "rule": "repeated",
                  "type": "CopChange",
                  "id": 4
                },
                "positions": {
                  "type": "CopPositions",
                  "id": 5
                },
                "enter": {
                  "rule": "repeated",
                  "type": "CopResource",
                  "id": 6
                },
                "leave": {
                  "rule": "repeated",
                  "type": "uint32",
                  "id": 7
                }
              }
            },
            "CopChange": {
              "oneofs": {
                "change": {
                  "oneof": [
                    "status",
                    "incident",
                    "cover"
                  ]
                }
              },
              "fields": {
                "status": {
                  "type": "CopStatusChange",
                  "id": 1
                },
                "incident": {
                  "type": "CopIncidentChange",
                  "id": 2
                },
                "cover": {
                  "type": "CopCoverChange",
                  "id": 3
                }
              }
            },
            "CopIncidentChange": {
              "fields": {
                "incident": {
                  "type": "CopIncident",
                  "id": 1
                },
                "eventSeq": {
                  "type": "uint32",
                  "id": 2
                },
                "atMs": {
                  "type": "double",
                  "id": 3
                },
                "removed": {
                  "type": "bool",
                  "id": 4
                }
              }
            },
            "CopCoverChange": {
              "fields": {
                "summary": {
                  "type": "CopCoverSummary",
                  "id": 1
                }
              }
            },
            "CopStatusChange": {
              "fields": {
                "ref": {
                  "type": "uint32",
                  "id": 1
                },
                "status": {
                  "type": "ResourceStatus",
                  "id": 2
                },
                "incidentId": {
                  "type": "string",
                  "id": 3
                },
                "eventSeq": {
                  "type": "uint32",
                  "id": 4
                },
                "atMs": {
                  "type": "double",
                  "id": 5
                }
              }
            },
            "CopPositions": {
              "fields": {
                "ref": {
                  "rule": "repeated",
                  "type": "uint32",
                  "id": 1
                },
                "latE7": {
                  "rule": "repeated",
                  "type": "sfixed32",
                  "id": 2
                },
                "lonE7": {
                  "rule": "repeated",
                  "type": "sfixed32",
                  "id": 3
                },
                "headingDeg": {
                  "rule": "repeated",
                  "type": "uint32",
                  "id": 4
                },
                "speedDmps": {
                  "rule": "repeated",
                  "type": "uint32",
                  "id": 5
                },
                "fixAgeMs": {
                  "rule": "repeated",
                  "type": "sint32",
                  "id": 6
                },
                "accuracyM": {
                  "rule": "repeated",
                  "type": "uint32",
                  "id": 7
                }
              }
            },
            "CopClientMessage": {
              "oneofs": {
                "msg": {
                  "oneof": [
                    "subscribe",
                    "setFilter",
                    "ack"
                  ]
                }
              },
              "fields": {
                "subscribe": {
                  "type": "CopSubscribe",
                  "id": 1
                },
                "setFilter": {
                  "type": "CopSetFilter",
                  "id": 2
                },
                "ack": {
                  "type": "CopAck",
                  "id": 3
                }
              }
            },
            "CopAck": {
              "fields": {
                "seq": {
                  "type": "uint32",
                  "id": 1
                }
              }
            },
            "CopSubscribe": {
              "fields": {
                "lastSeq": {
                  "type": "uint32",
                  "id": 1
                },
                "resumeEpoch": {
                  "type": "string",
                  "id": 2
                },
                "filter": {
                  "type": "CopFilter",
                  "id": 3
                }
              }
            },
            "CopSetFilter": {
              "fields": {
                "filter": {
                  "type": "CopFilter",
                  "id": 1
                }
              }
            },
            "CopFilter": {
              "fields": {
                "agencies": {
                  "rule": "repeated",
                  "type": "string",
                  "id": 1
                },
                "bounds": {
                  "type": "CopBounds",
                  "id": 2
                }
              }
            },
            "CopBounds": {
              "fields": {
                "south": {
                  "type": "double",
                  "id": 1
                },
                "west": {
                  "type": "double",
                  "id": 2
                },
                "north": {
                  "type": "double",
                  "id": 3
                },
                "east": {
                  "type": "double",
                  "id": 4
                }
              }
            },
            "ResourceStatus": {
              "values": {
                "STATUS_UNSPECIFIED": 0,
                "AVAILABLE_AT_STATION": 1,
                "AVAILABLE_MOBILE": 2,
                "MOBILISED": 3,
                "AT_SCENE": 4,
                "RETURNING": 5,
                "UNAVAILABLE": 6
              }
            }
          }
        }
      }
    }
  }
} as const;
