// Blocked squared-distance kernels for exact k-NN (see Sources/Estimators).
#ifndef CK_DISTANCE_H
#define CK_DISTANCE_H
#endif
